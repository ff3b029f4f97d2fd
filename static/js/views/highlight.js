// @ts-check
/**
 * A small Python highlighter: keywords, strings (triple-quoted ones across lines),
 * comments, numbers and a few builtins. It only colours text; it never changes it.
 * @module views/highlight
 */

/**
 * @typedef {object} Token
 * @property {"kw" | "str" | "com" | "num" | "builtin" | "def" | ""} type
 * @property {string} text
 */

const KEYWORDS = new Set(
  ("False None True and as assert async await break class continue def del elif else " +
    "except finally for from global if import in is lambda nonlocal not or pass raise " +
    "return try while with yield match case").split(" "),
);
const BUILTINS = new Set(
  "print range len self super sum min max list dict set tuple int float str bool".split(" "),
);

// One alternative per token type; the order matters (strings before names).
const TOKEN = new RegExp(
  [
    String.raw`(?<com>#.*)`,
    String.raw`(?<tri>[rbfuRBFU]{0,2}(?:"""|'''))`,
    String.raw`(?<str>[rbfuRBFU]{0,2}(?:"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?))`,
    String.raw`(?<num>\b\d[\d_]*(?:\.\d[\d_]*)?(?:e[+-]?\d+)?\b)`,
    String.raw`(?<name>[A-Za-z_]\w*)`,
  ].join("|"),
  "g",
);

/**
 * Split source into lines of tokens.
 * @param {string} source
 * @returns {Token[][]}
 */
export function highlight(source) {
  /** @type {string | null} the quote of an open triple-quoted string */
  let open = null;
  let afterDef = false;
  return source.replace(/\n$/, "").split("\n").map((line) => {
    /** @type {Token[]} */
    const tokens = [];
    let at = 0;
    if (open !== null) {
      const close = line.indexOf(open);
      at = close < 0 ? line.length : close + 3;
      if (close >= 0) open = null;
      tokens.push({ type: "str", text: line.slice(0, at) });
    }
    TOKEN.lastIndex = at;
    for (let match = TOKEN.exec(line); match; match = TOKEN.exec(line)) {
      if (match.index > at) tokens.push({ type: "", text: line.slice(at, match.index) });
      const groups = match.groups ?? {};
      let text = match[0];
      /** @type {Token["type"]} */
      let type = "";
      if (groups.tri) {
        const quote = groups.tri.slice(-3);
        const close = line.indexOf(quote, match.index + text.length);
        if (close < 0) {
          text = line.slice(match.index);
          open = quote;
        } else {
          text = line.slice(match.index, close + 3);
        }
        type = "str";
      } else if (groups.com) type = "com";
      else if (groups.str) type = "str";
      else if (groups.num) type = "num";
      else if (afterDef) type = "def";
      else if (KEYWORDS.has(text)) type = "kw";
      else if (BUILTINS.has(text)) type = "builtin";
      afterDef = type === "kw" && (text === "def" || text === "class");
      tokens.push({ type, text });
      at = match.index + text.length;
      TOKEN.lastIndex = at;
    }
    if (at < line.length) tokens.push({ type: "", text: line.slice(at) });
    return tokens;
  });
}
