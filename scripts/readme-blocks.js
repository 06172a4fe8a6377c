#!/usr/bin/env node
// The README's code blocks, for the tests that keep it executable (test/readme.test.ts) and for CI.
//
//   node scripts/readme-blocks.js ci-commands   the commands of the shell blocks marked `<!-- ci: runs -->`,
//                                               one per line, as .ci/run executes them
//
// Every ```bash block is preceded by a marker line: `<!-- ci: runs -->` (CI executes it, as written) or
// `<!-- ci: not run: <why> -->` (it needs a cluster or a cloud account). Every ```ts block is a whole
// program that test/readme.test.ts compiles and runs.
'use strict';
const fs = require('fs');
const path = require('path');

const README = path.join(__dirname, '..', 'README.md');
const MARKER = /^\s*<!-- ci: (runs|not run: (.+?)) -->\s*$/;

/**
 * @param {string} text the README
 * @returns {{ lang: string, line: number, code: string, ci?: { runs: boolean, reason?: string } }[]}
 */
function blocks(text) {
  const lines = text.split('\n');
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(\w+)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, lang] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && lines[j] !== `${indent}\`\`\``; j++) body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    if (j === lines.length) throw new Error(`README.md:${i + 1}: a \`\`\`${lang} block is never closed`);
    // The marker: the closest non-empty line above the block.
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const marker = k >= 0 ? MARKER.exec(lines[k]) : null;
    found.push({
      lang, line: i + 1, code: `${body.join('\n')}\n`,
      ci: marker ? { runs: marker[1] === 'runs', reason: marker[2] } : undefined,
    });
    i = j;
  }
  return found;
}

/** The commands of the blocks marked `<!-- ci: runs -->`: one per non-empty, non-comment line. */
function ciCommands(text) {
  return blocks(text)
    .filter((b) => b.lang === 'bash' && b.ci?.runs)
    .flatMap((b) => b.code.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')));
}

module.exports = { blocks, ciCommands, README };

if (require.main === module) {
  const [command] = process.argv.slice(2);
  if (command !== 'ci-commands') {
    console.error('usage: node scripts/readme-blocks.js ci-commands');
    process.exit(2);
  }
  for (const c of ciCommands(fs.readFileSync(README, 'utf8'))) console.log(c);
}
