import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import {
  SourceLinkError, codeLink, decodeSource, encodeSource, fromBase64Url, sourceToken, toBase64Url, withoutSource,
} from "../../static/js/model/srclink.js";

const PROGRAMS = {
  empty: "",
  ascii: "import threading\n\ncounter = 0\n",
  unicode: "# Grüße, 你好, emoji 🧵🔒, RTL שלום\nname = \"Zoë\"\nprint(f\"{name} → ✓\")\n",
  tabs: "def main():\n\tif True:\n\t\tprint('tab')\n",
  crlf: "import threading\r\n\r\ndef main():\r\n    pass\r\n",
  lone_cr: "a = 1\rb = 2\r",
  mixed: "a = 1\r\nb = 2\nc = 3\r",
  bom: "\uFEFFprint('a BOM first')\n",
  no_final_newline: "print('end')",
  trailing_spaces: "x = 1   \n\n\n   \n",
  nul_and_controls: "s = '\u0000\u0007\u001b'\n",
  long: Array.from({ length: 2000 }, (_, i) => `line_${i} = ${i * 7919 % 1000}  # ${"é".repeat(i % 9)}`).join("\n"),
};

for (const [name, source] of Object.entries(PROGRAMS)) {
  test(`a #src= link gives back the very same program: ${name}`, async () => {
    const token = await encodeSource(source);
    assert.match(token, /^[A-Za-z0-9_-]*$/, "base64url, no padding");
    const back = await decodeSource(token);
    assert.equal(back, source);
    assert.deepEqual(new TextEncoder().encode(back), new TextEncoder().encode(source), "byte for byte");
  });
}

test("the program compresses: a typical program's link is much shorter than its text", async () => {
  const program = "import threading\n\n" + "def work():\n    with lock:\n        counter += 1\n\n".repeat(40);
  const token = await encodeSource(program);
  assert.ok(token.length < program.length / 5, `${token.length} vs ${program.length}`);
});

test("the whole link: the setup in the query, the program (and a run) in the fragment", async () => {
  const link = await codeLink("print('hi')\n", {
    setup: { mode: "controlled", seed: 7, policy: "pct", options: { depth: 3, granularity: "bytecode" }, autorun: true },
    run: "abc123",
  });
  const url = new URL(link, "http://h");
  assert.equal(url.pathname, "/code");
  assert.equal(url.search, "?mode=controlled&seed=7&policy=pct&pct_depth=3&granularity=bytecode&autorun=1");
  const token = sourceToken(url.hash);
  assert.ok(token);
  assert.equal(await decodeSource(token), "print('hi')\n");
  assert.equal(new URLSearchParams(url.hash.slice(1)).get("run"), "abc123");
  assert.equal(withoutSource(url.hash), "#run=abc123");
  assert.equal(withoutSource(`#src=${token}`), "");
  assert.equal(await codeLink("x"), `/code#src=${await encodeSource("x")}`);
});

test("a free setup leaves the controlled keys out", async () => {
  const link = await codeLink("x", { setup: { mode: "free", seed: 3, policy: "random", options: {}, autorun: false } });
  assert.equal(new URL(link, "http://h").search, "?mode=free");
});

test("a damaged link says so", async () => {
  const token = await encodeSource("print('hello world')\n".repeat(20));
  await assert.rejects(decodeSource("not base64!"), SourceLinkError);
  await assert.rejects(decodeSource(token.slice(0, token.length >> 1)), SourceLinkError, "cut short");
  await assert.rejects(decodeSource("AAAA"), SourceLinkError, "not deflate");
  const latin1 = toBase64Url(new Uint8Array(await new Response(new Blob([new Uint8Array([0x63, 0xe9, 0x0a])])
    .stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer()));
  await assert.rejects(decodeSource(latin1), /not UTF-8/);
});

test("decoding stops past the size limit (a small link cannot unpack into gigabytes)", async () => {
  const token = await encodeSource("#".repeat(100_000));
  assert.ok(token.length < 1000);
  await assert.rejects(decodeSource(token, 65_536), /longer than 65,536 bytes/);
  assert.equal((await decodeSource(token, 100_000)).length, 100_000);
});

test("base64url both ways, padding or not", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const text = toBase64Url(bytes);
  assert.doesNotMatch(text, /[+/=]/);
  assert.deepEqual(fromBase64Url(text), bytes);
  assert.deepEqual(fromBase64Url("_-8="), Uint8Array.from([0xff, 0xef]));
  assert.throws(() => fromBase64Url("abcde"), SourceLinkError);
});
