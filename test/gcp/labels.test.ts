import { BackupBucket } from '../../lib/gcp';
import { checkGcpLabels } from '../../lib/gcp/labels';
import { configError } from '../support/errors';
import { description, synthScope } from './support';

/** Checks the labels in a stack, as the constructs do; the path of the error is `stack`. */
const check = (labels: { [key: string]: string }) => synthScope((scope) => { checkGcpLabels(scope, 'labels', labels); });
/** The labels of a backup bucket with these labels. */
const bucketLabels = (labels: { [key: string]: string }) => synthScope((scope) => {
  new BackupBucket(scope, 'Backups', { description: description(), labels });
}).resources('google_storage_bucket')[0].labels;

const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, 'x']));
const KEY = 'expected a label key of 1 to 63 lowercase letters, digits, \'_\' or \'-\', starting with a letter';
const VALUE = 'expected a label value of at most 63 lowercase letters, digits, \'_\' or \'-\'';

describe('Google Cloud labels accepted', () => {
  test.each<[string, { [key: string]: string }]>([
    ['64 labels', many(64)],
    ['a key of 63 characters', { [`a${'b'.repeat(62)}`]: 'x' }],
    ['a key of one letter', { a: 'x' }],
    ['keys and values of letters, digits, \'_\' and \'-\'', { 'team_1-a': 'data_2-b' }],
    ['a value of 63 characters', { env: 'p'.repeat(63) }],
    ['an empty value', { env: '' }],
    ['none', {}],
  ])('%s', (_what, labels) => {
    expect(() => check(labels)).not.toThrow();
    expect(bucketLabels(labels)).toEqual(labels);
  });
});

/** [what, labels, the whole error message] */
const BAD: Array<[string, { [key: string]: string }, string]> = [
  ['65 labels', many(65), '[stack] labels: received "65 labels"; expected at most 64 labels'],
  ['100 labels', many(100), '[stack] labels: received "100 labels"; expected at most 64 labels'],
  ['a key of 64 characters', { [`a${'b'.repeat(63)}`]: 'x' }, `[stack] labels: received "a${'b'.repeat(63)}"; ${KEY}`],
  ['a key with a dot', { 'env.x': 'prod' }, `[stack] labels: received "env.x"; ${KEY}`],
  ['a key with uppercase', { Team: 'data' }, `[stack] labels: received "Team"; ${KEY}`],
  ['a key starting with a digit', { '1env': 'prod' }, `[stack] labels: received "1env"; ${KEY}`],
  ['an empty key', { '': 'prod' }, `[stack] labels: received ""; ${KEY}`],
  ['a value with uppercase', { env: 'Prod' }, `[stack] labels["env"]: received "Prod"; ${VALUE}`],
  ['a value of 64 characters', { env: 'p'.repeat(64) }, `[stack] labels["env"]: received "${'p'.repeat(64)}"; ${VALUE}`],
  ['a value with a dot', { env: 'prod.1' }, `[stack] labels["env"]: received "prod.1"; ${VALUE}`],
  ['a value that is not a string', { env: 1 as unknown as string }, `[stack] labels["env"]: received 1; ${VALUE}`],
  ['the second label bad', { env: 'prod', team: 'Data' }, `[stack] labels["team"]: received "Data"; ${VALUE}`],
];

describe('Google Cloud label errors are thrown, in full', () => {
  test.each(BAD)('%s', (_what, labels, message) => {
    const error = configError(() => check(labels));
    expect(error.message).toBe(message);
  });

  test('a construct names itself and its prop', () => {
    const error = configError(() => bucketLabels({ env: 'Prod' }));
    expect(error.prop).toBe('labels["env"]');
    expect(error.message).toBe(`[stack/Backups] labels["env"]: received "Prod"; ${VALUE}`);
  });
});
