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
