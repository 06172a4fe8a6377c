import { IConstruct } from 'constructs';
import { reject } from '../shared/validate';

const KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const VALUE = /^[a-z0-9_-]{0,63}$/;

/** Google Cloud resource labels: lowercase keys and values of letters, digits, '_' and '-', at most 64 of them. */
export function checkGcpLabels(scope: IConstruct, prop: string, labels: { readonly [key: string]: string }): void {
  const entries = Object.entries(labels);
  if (entries.length > 64) reject(scope, prop, `${entries.length} labels`, 'expected at most 64 labels');
  for (const [key, value] of entries) {
    if (!KEY.test(key)) reject(scope, prop, key, 'expected a label key of 1 to 63 lowercase letters, digits, \'_\' or \'-\', starting with a letter');
    if (typeof value !== 'string' || !VALUE.test(value)) reject(scope, `${prop}["${key}"]`, value, 'expected a label value of at most 63 lowercase letters, digits, \'_\' or \'-\'');
  }
}
