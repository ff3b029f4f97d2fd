// @ts-check
/**
 * The code page's editor: CodeMirror 6 (static/vendor/codemirror, mapped by the page's
 * import map) over the server-rendered `<textarea>`, which is what a page without this
 * module keeps. Python highlighting in the stage's own colours (the `tok-*` classes of
 * the code panel), line numbers, undo, and keys a keyboard-only user can rely on: Tab
 * and Shift+Tab indent and dedent, Escape then Tab leaves the editor (CodeMirror's
 * tab-focus escape; Ctrl+M toggles it for good), Ctrl+Enter runs. The content is a
 * labelled text box (the textarea's label and description move to it), and its focus
 * is drawn as every other control's.
 *
 * A program that does not compile is shown on its line: the line and its number
 * marked, the column underlined, the message in a block under the line, until that
 * line is edited or the next run. CodeMirror's styles go in a `<style>` element that
 * carries the nonce the page's CSP names (`<meta name="style-nonce">`); nothing else
 * inline is allowed.
 * @module ui/editor
 */

import { defaultKeymap, history, historyKeymap, indentWithTab, isolateHistory } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { HighlightStyle, bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { Compartment, EditorState, RangeSet, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration, EditorView, GutterMarker, WidgetType, gutterLineClass, highlightActiveLine,
  highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";

/**
 * Where a program does not compile, as the server says (`syntax` of a 422).
 * @typedef {object} SyntaxProblem
 * @property {number} line 1-based
 * @property {number | null} [column] 1-based, if known
 * @property {string} message what Python says ("invalid syntax")
 */

/**
 * @typedef {object} EditorOptions
 * @property {(text: string) => void} [onChange] the text changed (by typing or `load`)
 * @property {() => void} [onRun] Ctrl+Enter (Cmd+Enter)
 * @property {string} [text] the program to start with (else the textarea's, whose
 *   value has its line breaks made LF by the browser)
 */

/** The code panel's colours (views.css, themes.css), by Lezer's tags. */
const TOKENS = HighlightStyle.define([
  { tag: [tags.keyword, tags.bool, tags.null, tags.self], class: "tok-kw" },
  { tag: [tags.function(tags.definition(tags.variableName)), tags.definition(tags.className)], class: "tok-def" },
  { tag: tags.string, class: "tok-str" },
  { tag: tags.number, class: "tok-num" },
  { tag: tags.comment, class: "tok-com" },
]);

const THEME = EditorView.theme({
  "&": {
    color: "var(--fg)",
    backgroundColor: "var(--code-bg)",
    border: "2px solid var(--border)",
    borderRadius: "0.35rem",
    fontSize: "0.95rem",
    height: "100%",
  },
  "&.cm-focused": { outline: "none" }, // the .editor box around it draws the focus (code.css)
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5" },
  ".cm-content": { caretColor: "var(--fg)", padding: "0.35rem 0" },
  "&.cm-focused .cm-cursor": { borderLeftColor: "var(--fg)", borderLeftWidth: "2px" },
  ".cm-gutters": { backgroundColor: "var(--card)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-lineNumbers .cm-gutterElement": { padding: "0 0.5rem 0 0.6rem", minWidth: "2.4em" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 7%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "color-mix(in srgb, var(--accent) 14%, transparent)", color: "var(--fg)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "color-mix(in srgb, var(--accent) 30%, transparent)",
  },
  "&.cm-focused .cm-matchingBracket": { backgroundColor: "color-mix(in srgb, var(--ok) 30%, transparent)", outline: "1px solid var(--ok)" },
  ".cm-syntax-error-line": { backgroundColor: "var(--danger-bg)" },
  ".cm-syntax-error-gutter": { backgroundColor: "var(--danger)", color: "var(--bg)", fontWeight: "700" },
  ".cm-syntax-error-mark": { textDecoration: "underline wavy var(--danger)", textDecorationThickness: "2px", textUnderlineOffset: "0.2em" },
  ".cm-syntax-error-message": {
    margin: "0.1rem 0 0.3rem 0.4rem",
    padding: "0.15rem 0.6rem",
    borderLeft: "0.3rem solid var(--danger)",
    backgroundColor: "var(--danger-bg)",
    color: "var(--danger)",
    fontFamily: "var(--font)",
    fontWeight: "700",
    whiteSpace: "pre-wrap",
  },
});

/** @type {import("@codemirror/state").StateEffectType<SyntaxProblem | null>} */
const setProblem = StateEffect.define();

class ProblemMessage extends WidgetType {
  /** @param {string} text */
  constructor(text) {
    super();
    this.text = text;
  }

  /** @param {ProblemMessage} other */
  eq(other) {
    return other.text === this.text;
  }

  toDOM() {
    const box = document.createElement("div");
    box.className = "cm-syntax-error-message";
    box.textContent = `⚠ ${this.text}`;
    return box;
  }
}

const problemGutter = new (class extends GutterMarker {
  elementClass = "cm-syntax-error-gutter";
})();

/**
 * @typedef {object} ProblemState
 * @property {SyntaxProblem | null} problem
 * @property {number} line the document position of its line's start (-1: none)
 * @property {import("@codemirror/view").DecorationSet} marks
 * @property {RangeSet<GutterMarker>} gutter
 */

/** @type {ProblemState} */
const NO_PROBLEM = { problem: null, line: -1, marks: Decoration.none, gutter: RangeSet.empty };

/**
 * @param {EditorState} state
 * @param {SyntaxProblem} problem
 * @returns {ProblemState}
 */
function drawProblem(state, problem) {
  const number = Math.min(Math.max(1, Math.trunc(problem.line) || 1), state.doc.lines);
  const line = state.doc.line(number);
  const column = Math.max(0, Math.trunc((problem.column ?? 1) - 1));
  let from = Math.min(line.from + column, line.to);
  let to = from;
  while (to < line.to && /\w/.test(state.doc.sliceString(to, to + 1))) to++; // the word there
  if (to === from && from < line.to) to = from + 1;
  if (to === from && from > line.from) from -= 1; // the end of the line: its last character
  const ranges = [
    Decoration.line({ class: "cm-syntax-error-line" }).range(line.from),
    ...(to > from ? [Decoration.mark({ class: "cm-syntax-error-mark" }).range(from, to)] : []),
    Decoration.widget({ widget: new ProblemMessage(problem.message), block: true, side: 1 }).range(line.to),
  ];
  return {
    problem: { ...problem, line: number },
    line: line.from,
    marks: Decoration.set(ranges, true),
    gutter: RangeSet.of([problemGutter.range(line.from)]),
  };
}

const problemField = StateField.define({
  create: () => NO_PROBLEM,
  update(value, tr) {
    for (const effect of tr.effects) {
      if (effect.is(setProblem)) return effect.value ? drawProblem(tr.state, effect.value) : NO_PROBLEM;
    }
    if (!tr.docChanged || value.problem === null) return value;
    // Editing the line with the problem clears it; edits elsewhere move it along.
    const start = tr.startState.doc.lineAt(value.line);
    let touched = false;
    tr.changes.iterChangedRanges((fromA, toA) => {
      if (fromA <= start.to && toA >= start.from) touched = true;
    });
    if (touched) return NO_PROBLEM;
    return {
      ...value,
      line: tr.changes.mapPos(value.line),
      marks: value.marks.map(tr.changes),
      gutter: value.gutter.map(tr.changes),
    };
  },
  provide: (field) => [
    EditorView.decorations.from(field, (value) => value.marks),
    gutterLineClass.from(field, (value) => value.gutter),
  ],
});

/**
 * The line separator that keeps `text` as it is: CRLF (or CR) if every line ends so;
 * otherwise (LF, or a mix) lines are joined with LF.
 * @param {string} text
 * @returns {string | undefined}
 */
export function separatorOf(text) {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const cr = (text.match(/\r/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length;
  if (crlf && crlf === cr && crlf === lf) return "\r\n";
  if (cr && !lf) return "\r";
  return undefined;
}

export class Editor {
  /**
   * Put the editor where `textarea` is, with its text, label and description.
   * @param {HTMLTextAreaElement} textarea
   * @param {EditorOptions} [options]
   */
  constructor(textarea, options = {}) {
    this.textarea = textarea;
    this.options = options;
    this.separator = new Compartment();
    const attributes = {
      "aria-labelledby": textarea.getAttribute("aria-labelledby") ?? "",
      "aria-describedby": textarea.getAttribute("aria-describedby") ?? "",
      spellcheck: "false",
      autocapitalize: "off",
      autocorrect: "off",
      translate: "no",
      // Focusable as it is (contenteditable), but said outright so that axe-core sees the
      // scrolled .cm-scroller holds something the keyboard can reach.
      tabindex: "0",
    };
    const text = options.text ?? textarea.value;
    const state = EditorState.create({
      doc: text,
      extensions: [
        this.separator.of(lineSeparator(text)),
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        EditorView.lineWrapping, // long lines wrap, as in the stage's code panel
        python(),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        syntaxHighlighting(TOKENS),
        problemField,
        keymap.of([
          { key: "Mod-Enter", run: () => { this.options.onRun?.(); return true; } },
          ...defaultKeymap,
          ...historyKeymap,
          indentWithTab,
        ]),
        EditorView.contentAttributes.of(attributes),
        EditorView.cspNonce.of(styleNonce()),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) this.options.onChange?.(this.text);
        }),
        THEME,
      ],
    });
    this.view = new EditorView({ state });
    textarea.before(this.view.dom);
    textarea.hidden = true;
    // The textarea's label now names the editor; a click on it focuses the editor.
    for (const label of document.querySelectorAll(`label[for="${textarea.id}"]`)) {
      label.addEventListener("click", (event) => {
        event.preventDefault();
        this.focus();
      });
    }
  }

  /** @returns {string} the program, with its own line endings */
  get text() {
    return this.view.state.sliceDoc(); // joined by its own line breaks (doc.toString: LF)
  }

  /**
   * Replace the program (an example, a run's code): one step that Ctrl+Z undoes.
   * @param {string} text
   */
  load(text) {
    const view = this.view;
    // Read the new text with every line break accepted, then keep its own.
    view.dispatch({ effects: this.separator.reconfigure([]) });
    view.dispatch({
      changes: { from: 0, to: view.state.doc.length, insert: text },
      selection: { anchor: 0 },
      effects: [this.separator.reconfigure(lineSeparator(text)), setProblem.of(null), EditorView.scrollIntoView(0)],
      annotations: isolateHistory.of("full"),
      userEvent: "input.replace",
    });
  }

  /**
   * Show where the program does not compile (and go there).
   * @param {SyntaxProblem} problem
   */
  showProblem(problem) {
    this.view.dispatch({ effects: setProblem.of(problem) });
    const drawn = this.view.state.field(problemField);
    if (drawn.problem) {
      this.view.dispatch({
        selection: { anchor: drawn.line },
        effects: EditorView.scrollIntoView(drawn.line, { y: "center" }),
      });
    }
  }

  clearProblem() {
    if (this.view.state.field(problemField).problem) this.view.dispatch({ effects: setProblem.of(null) });
  }

  /** @returns {SyntaxProblem | null} the problem shown, on the line it is on now */
  get problem() {
    const drawn = this.view.state.field(problemField);
    return drawn.problem && { ...drawn.problem, line: this.view.state.doc.lineAt(drawn.line).number };
  }

  focus() {
    this.view.focus();
  }
}

/**
 * The nonce the page's CSP allows style elements by: CodeMirror puts its styles in one
 * (`<meta name="style-nonce">`, drawn by the server for each page).
 * @returns {string}
 */
function styleNonce() {
  return document.querySelector("meta[name=style-nonce]")?.getAttribute("content") ?? "";
}

/**
 * @param {string} text
 * @returns {import("@codemirror/state").Extension}
 */
function lineSeparator(text) {
  const separator = separatorOf(text);
  return separator ? EditorState.lineSeparator.of(separator) : [];
}
