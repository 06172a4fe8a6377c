/**
 * A JSON reader for the bash scripts that call the Kubernetes API from the CockroachDB image, which has
 * bash, curl and awk but no jq. kube-apiserver answers compact or pretty-printed JSON depending on the
 * client (it pretty-prints for a `curl` User-Agent), so a regular expression over the text is not a
 * reader: this one parses the document and walks it by key.
 *
 * `json_get KEY [KEY ...] < document` prints the value at that path (`json_get metadata labels
 * topology.kubernetes.io/zone`): a string unescaped (`\uXXXX` as UTF-8), a number, `true` or `false`.
 * A key walks into an object by name, or into an array by index from 0 (`json_get status conditions 1 type`).
 * Exit status: 0 found; 1 absent or null; 2 not JSON; 3 the value is an object or an array.
 *
 * POSIX awk only (it runs on gawk in the image, on mawk and busybox in the tests); bytes, not characters
 * (`LC_ALL=C`). No single quote inside, as it sits in a bash single-quoted word.
 */
const JSON_GET_AWK = String.raw`
function bad(why) { printf "json_get: %s at byte %d\n", why, p > "/dev/stderr"; exit 2 }
function ws() { while (p <= n && index(" \t\n\r", substr(doc, p, 1)) > 0) p++ }
function hex4(s,   i, d, v) {
  if (length(s) != 4) return -1
  v = 0
  for (i = 1; i <= 4; i++) { d = index("0123456789abcdef", tolower(substr(s, i, 1))); if (d == 0) return -1; v = v * 16 + d - 1 }
  return v
}
function utf8(c) {
  if (c < 128) return sprintf("%c", c)
  if (c < 2048) return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
  if (c < 65536) return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
  return sprintf("%c%c%c%c", 240 + int(c / 262144), 128 + int(c / 4096) % 64, 128 + int(c / 64) % 64, 128 + c % 64)
}
function str(   out, c, e, h, l) {
  p++; out = ""
  while (1) {
    if (match(substr(doc, p), /^[^"\\]+/)) { out = out substr(doc, p, RLENGTH); p += RLENGTH }
    c = substr(doc, p, 1)
    if (c == "\"") { p++; return out }
    if (c != "\\") bad("unterminated string")
    e = substr(doc, p + 1, 1)
    if (e == "u") {
      h = hex4(substr(doc, p + 2, 4)); if (h < 0) bad("bad \\u escape"); p += 6
      if (h >= 55296 && h < 56320 && substr(doc, p, 2) == "\\u") {
        l = hex4(substr(doc, p + 2, 4))
        if (l >= 56320 && l < 57344) { h = 65536 + (h - 55296) * 1024 + (l - 56320); p += 6 }
      }
      out = out utf8(h)
    } else {
      h = index("\"\\/bfnrt", e); if (h == 0) bad("bad escape")
      out = out substr("\"\\/\b\f\n\r\t", h, 1); p += 2
    }
  }
}
# member(level, key): parses the value of a member of an object, or of an element of an array (key: its index),
# and keeps it when it is the end of the path.
function member(level, key,   t) {
  if (level >= 0 && level < depth && key == path[level + 1]) {
    if (level + 1 < depth) value(level + 1)
    else {
      t = value(-1)
      if (t == "object" || t == "array") { printf "json_get: the value is an %s\n", t > "/dev/stderr"; exit 3 }
      if (!found && t != "null") { found = 1; result = last }
    }
  } else value(-1)
}
# value(level): parses one value. level is how many keys of the path lead here (-1: off the path).
function value(level,   c, key, i) {
  ws(); c = substr(doc, p, 1)
  if (c == "{") {
    p++; ws()
    if (substr(doc, p, 1) == "}") { p++; return "object" }
    while (1) {
      ws(); if (substr(doc, p, 1) != "\"") bad("expected a key")
      key = str(); ws()
      if (substr(doc, p, 1) != ":") bad("expected a colon"); p++
      member(level, key)
      ws(); c = substr(doc, p, 1); p++
      if (c == "}") return "object"
      if (c != ",") { p--; bad("expected a comma or a closing brace") }
    }
  }
  if (c == "[") {
    p++; ws()
    if (substr(doc, p, 1) == "]") { p++; return "array" }
    for (i = 0; 1; i++) {
      member(level, i ""); ws(); c = substr(doc, p, 1); p++
      if (c == "]") return "array"
      if (c != ",") { p--; bad("expected a comma or a closing bracket") }
    }
  }
  if (c == "\"") { last = str(); return "string" }
  if (match(substr(doc, p), /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) { last = substr(doc, p, RLENGTH); p += RLENGTH; return "number" }
  if (substr(doc, p, 4) == "true") { last = "true"; p += 4; return "boolean" }
  if (substr(doc, p, 5) == "false") { last = "false"; p += 5; return "boolean" }
  if (substr(doc, p, 4) == "null") { p += 4; return "null" }
  bad("unexpected text")
}
BEGIN {
  depth = ARGC - 1
  if (depth < 1) { print "json_get: expected at least one key" > "/dev/stderr"; usage = 1; exit 2 }
  for (i = 1; i < ARGC; i++) { path[i] = ARGV[i]; delete ARGV[i] }
  ARGC = 1
}
{ doc = doc $0 "\n" }
END {
  if (usage) exit 2
  n = length(doc); p = 1
  value(0); ws()
  if (p <= n) bad("text after the document")
  if (!found) exit 1
  printf "%s\n", result
}`;

/** The bash function `json_get`, for a script that reads the API's answers. */
export function jsonGetFunction(): string {
  return `json_get() { LC_ALL=C awk '${JSON_GET_AWK.trim()}' "$@"; }`;
}
