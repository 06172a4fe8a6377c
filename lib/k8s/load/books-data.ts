import type { Book } from './books-load-core';

const ADJECTIVES = ['Silent', 'Crimson', 'Hidden', 'Last', 'Broken', 'Golden', 'Distant', 'Forgotten', 'Burning', 'Quiet',
  'Wandering', 'Northern', 'Paper', 'Iron', 'Velvet', 'Midnight', 'Hollow', 'Bright', 'Winter', 'Salt'];
const NOUNS = ['River', 'Garden', 'Archive', 'Lighthouse', 'Orchard', 'Cartographer', 'Harbor', 'Engine', 'Meridian', 'Atlas',
  'Library', 'Signal', 'Compass', 'Tide', 'Observatory', 'Bridge', 'Ledger', 'Forest', 'Kingdom', 'Cipher'];
const PATTERNS = ['The {a} {n}', '{a} {n}', 'A {n} of {n2}', 'The {n} and the {n2}', 'Beyond the {a} {n}', 'Letters from the {n}'];
const FIRST = ['Ada', 'Kwame', 'Ines', 'Tomasz', 'Yuki', 'Amara', 'Luca', 'Noor', 'Mateo', 'Freya', 'Chidi', 'Elena', 'Ravi', 'Sofia',
  'Jonas', 'Leila', 'Oscar', 'Mei', 'Tariq', 'Hanna'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Kowalski', 'Haddad', 'Fernandes', 'Novak', 'Achebe', 'Castillo',
  'Nakamura', 'Brennan', 'Duarte', 'Petrov', 'Mensah', 'Larsen', 'Rossi', 'Khan', 'Ibarra', 'Vogel'];
const GENRES = ['fiction', 'mystery', 'science-fiction', 'fantasy', 'history', 'biography', 'poetry', 'science', 'travel', 'cooking'];

/** The largest data set: generated in the pod (about 25 MB of objects in memory at 100,000). */
export const BOOKS_MAX = 100_000;

/** A small, fast, seedable PRNG (mulberry32): the same seed always gives the same data set. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The ISBN-13 check digit of the first twelve digits. */
export function isbn13CheckDigit(first12: string): number {
  const sum = [...first12].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10;
}

/**
 * `count` books with ids 1..count, plausible titles, authors, years, genres, prices and unique valid
 * ISBN-13s, always the same for the same seed.
 */
export function generateBooks(count: number, seed = 42): Book[] {
  const random = seededRandom(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const books: Book[] = [];
  for (let id = 1; id <= count; id++) {
    const title = pick(PATTERNS).replace('{a}', pick(ADJECTIVES)).replace('{n2}', pick(NOUNS)).replace('{n}', pick(NOUNS));
    // Unique by construction: the id is part of the ISBN's publication number.
    const first12 = `978${String(1 + Math.floor(random() * 9))}${String(id).padStart(8, '0')}`;
    books.push({
      id,
      title: id % 7 === 0 ? `${title}, Volume ${1 + (id % 5)}` : title,
      author: `${pick(FIRST)} ${pick(LAST)}`,
      year: 1850 + Math.floor(random() * 176),
      genre: pick(GENRES),
      price: Math.round((4.99 + random() * 75) * 100) / 100,
      isbn: `${first12}${isbn13CheckDigit(first12)}`,
    });
  }
  return books;
}
