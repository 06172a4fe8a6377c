import { generateBooks, isbn13CheckDigit, seededRandom } from '../../../lib/k8s/load/books-data';

describe('the books data set', () => {
  const books = generateBooks(1000);

  test('deterministic: the same seed gives the same books, another seed other books', () => {
    expect(generateBooks(1000)).toEqual(books);
    expect(generateBooks(1000, 7)).not.toEqual(books);
    expect(seededRandom(1)()).toBe(seededRandom(1)());
  });

  test('1000 books with every field, ids 1..1000', () => {
    expect(books).toHaveLength(1000);
    expect(books.map((b) => b.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (const b of books) {
      expect(b.title.length).toBeGreaterThan(3);
      expect(b.author).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(b.year).toBeGreaterThanOrEqual(1850);
      expect(b.year).toBeLessThanOrEqual(2025);
      expect(b.price).toBeGreaterThanOrEqual(4.99);
      expect(b.price).toBeLessThan(80);
      expect(Math.round(b.price * 100)).toBeCloseTo(b.price * 100, 6);
    }
    expect(new Set(books.map((b) => b.genre)).size).toBeGreaterThanOrEqual(8);
  });

  test('unique, valid ISBN-13s', () => {
    expect(new Set(books.map((b) => b.isbn)).size).toBe(1000);
    for (const b of books) {
      expect(b.isbn).toMatch(/^978\d{10}$/);
      expect(Number(b.isbn[12])).toBe(isbn13CheckDigit(b.isbn.slice(0, 12)));
    }
    // A published ISBN, as a check of the check digit: 978-0-306-40615-7.
    expect(isbn13CheckDigit('978030640615')).toBe(7);
  });
});

describe('the generator, value by value', () => {
  const books = generateBooks(1000);

  test('seededRandom is mulberry32 (reference values computed independently)', () => {
    const one = seededRandom(1);
    expect([one(), one(), one()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
    const fortyTwo = seededRandom(42);
    expect([fortyTwo(), fortyTwo(), fortyTwo()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  test.each([
    // Published ISBN-13s: the check digit weighs the digits 1, 3, 1, 3, … from the left.
    ['978030640615', 7],
    ['978013468599', 1], // Effective Java, 3rd edition: 978-0-13-468599-1
    ['978000000000', 2],
    ['978100000000', 9],
  ])('the ISBN-13 check digit of %s is %i', (first12, digit) => {
    expect(isbn13CheckDigit(first12)).toBe(digit);
  });

  test('titles use every adjective and noun, and every pattern is filled in', () => {
    const FIXED = new Set(['The', 'the', 'A', 'of', 'and', 'Beyond', 'Letters', 'from', 'Volume']);
    const words = new Set(books.flatMap((b) => b.title.replace(/, Volume \d$/, '').split(' ')).filter((w) => !FIXED.has(w)));
    expect([...words].sort()).toEqual([
      'Archive', 'Atlas', 'Bridge', 'Bright', 'Broken', 'Burning', 'Cartographer', 'Cipher', 'Compass', 'Crimson', 'Distant',
      'Engine', 'Forest', 'Forgotten', 'Garden', 'Golden', 'Harbor', 'Hidden', 'Hollow', 'Iron', 'Kingdom', 'Last', 'Ledger',
      'Library', 'Lighthouse', 'Meridian', 'Midnight', 'Northern', 'Observatory', 'Orchard', 'Paper', 'Quiet', 'River', 'Salt',
      'Signal', 'Silent', 'Tide', 'Velvet', 'Wandering', 'Winter',
    ]);
    for (const b of books) expect(b.title).not.toMatch(/[{}]|undefined|\s\s|^\s|\s$/);
  });

  test('the first books of seed 42, exactly', () => {
    expect(books.slice(0, 3)).toEqual([
      { id: 1, title: 'The Tide and the Forest', author: 'Chidi Haddad', year: 1959, genre: 'travel', price: 40.41, isbn: '9782000000013' },
      { id: 2, title: 'Bright Harbor', author: 'Chidi Petrov', year: 1957, genre: 'fiction', price: 40.3, isbn: '9782000000020' },
      { id: 3, title: 'Letters from the River', author: 'Kwame Tanaka', year: 1987, genre: 'biography', price: 7.02, isbn: '9783000000034' },
    ]);
  });

  test('every pattern appears', () => {
    const shapes = new Set(books.map((b) => b.title.replace(/, Volume \d$/, '').replace(/[A-Z][a-z]+$/, 'N')
      .replace(/^(The|Beyond the) [A-Z][a-z]+ N$/, '$1 a N').replace(/^(A|The) [A-Z][a-z]+ (of|and the) N$/, '$1 n $2 N')
      .replace(/^(?!The|Beyond|A |Letters)[A-Z][a-z]+ N$/, 'a N')));
    expect([...shapes].sort()).toEqual(['A n of N', 'Beyond the a N', 'Letters from the N', 'The a N', 'The n and the N', 'a N']);
  });

  test.each([
    [7, ', Volume 3'],
    [14, ', Volume 5'],
    [35, ', Volume 1'],
    [42, ', Volume 3'],
  ])('book %i, a multiple of 7, is a volume: its title ends with "%s"', (id, suffix) => {
    expect(books[id - 1].title.endsWith(suffix)).toBe(true);
  });

  test('only every seventh book is a volume', () => {
    const volumes = books.filter((b) => b.title.includes(', Volume ')).map((b) => b.id);
    expect(volumes).toHaveLength(142);
    expect(volumes.every((id) => id % 7 === 0)).toBe(true);
  });

  test('authors: every first name and every last name', () => {
    expect([...new Set(books.map((b) => b.author.split(' ')[0]))].sort()).toEqual([
      'Ada', 'Amara', 'Chidi', 'Elena', 'Freya', 'Hanna', 'Ines', 'Jonas', 'Kwame', 'Leila', 'Luca', 'Mateo', 'Mei', 'Noor',
      'Oscar', 'Ravi', 'Sofia', 'Tariq', 'Tomasz', 'Yuki',
    ]);
    expect([...new Set(books.map((b) => b.author.split(' ')[1]))].sort()).toEqual([
      'Achebe', 'Brennan', 'Castillo', 'Duarte', 'Fernandes', 'Haddad', 'Ibarra', 'Kowalski', 'Khan', 'Larsen', 'Lindqvist',
      'Mensah', 'Moreau', 'Nakamura', 'Novak', 'Okafor', 'Petrov', 'Rossi', 'Tanaka', 'Vogel',
    ].sort());
  });

  test('genres: all ten', () => {
    expect([...new Set(books.map((b) => b.genre))].sort()).toEqual([
      'biography', 'cooking', 'fantasy', 'fiction', 'history', 'mystery', 'poetry', 'science', 'science-fiction', 'travel',
    ]);
  });

  test('years spread over 1850..2025, prices over 4.99..79.99, ISBN groups over 1..9', () => {
    const years = books.map((b) => b.year);
    expect(Math.min(...years)).toBe(1850);
    expect(Math.max(...years)).toBe(2025);
    const prices = books.map((b) => b.price);
    expect(Math.min(...prices)).toBeLessThan(6);
    expect(Math.max(...prices)).toBeGreaterThan(79);
    expect([...new Set(books.map((b) => b.isbn[3]))].sort().join('')).toBe('123456789');
    expect(books[41].isbn.slice(4, 12)).toBe('00000042');
  });
});
