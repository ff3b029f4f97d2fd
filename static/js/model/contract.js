// @ts-check
/**
 * The run contract as the server spells it: every mode, scheduling policy, search
 * policy, granularity, run status, goal and search state, with the labels a person
 * reads and the bounds of a seed, a PCT depth or a search budget.
 *
 * It is not written here. app/contract.py is the one place that names them; its
 * `browser_contract()` is embedded in every page (base.html:
 * `<script type="application/json" id="threadlab-contract">`, data, never run) and
 * served at GET /api/contract. This module reads that element once, the first time a
 * name is asked for; a test without a page installs the same object with
 * `useContract` (tests/js/helpers.js gets it from the server's code).
 *
 * So the other modules never spell a name: they write `Mode.CONTROLLED.value`,
 * `Status.FINISHED.value`, or ask `isControlled(run)`, `policyLabel(run.policy)`,
 * `takesOption(policy, "depth")`. Nothing is read at import time.
 * @module model/contract
 */

/**
 * One name of an enum, as the browser gets it.
 * @typedef {object} Member
 * @property {string} value what goes over the wire
 * @property {string} label what a person reads in a list or a select
 * @property {string} short a word or two, for a run's one-line facts
 */

/** @typedef {Member & {options: string[]}} PolicyMember `options`: the controlled options it reads ("depth") */
/** @typedef {Member & {ended: boolean}} StatusMember `ended`: the run is over */

/**
 * An integer knob's range (both ends included) and default.
 * @typedef {object} Bounds
 * @property {number} min
 * @property {number} max
 * @property {number | null} default null: the server picks one (a seed)
 */

/**
 * What `browser_contract()` returns: each enum keyed by its member names.
 * @typedef {object} Contract
 * @property {{FREE: Member, CONTROLLED: Member}} Mode who decides which thread runs
 * @property {{RANDOM: PolicyMember, ROUND_ROBIN: PolicyMember, PCT: PolicyMember,
 *   MANUAL: PolicyMember}} Policy who runs next in a controlled run
 * @property {{RANDOM: Member, PCT: Member, MIXED: Member}} SearchPolicy how "Break it"
 *   picks the policy of each try
 * @property {{OPERATION: Member, BYTECODE: Member}} Granularity where a controlled run
 *   may switch threads
 * @property {{QUEUED: StatusMember, RUNNING: StatusMember, FINISHED: StatusMember,
 *   DEADLOCKED: StatusMember, FAILED: StatusMember, TIMED_OUT: StatusMember,
 *   CANCELLED: StatusMember, INTERRUPTED: StatusMember}} Status where a run is in its life
 * @property {{DEADLOCK: Member, LOST_UPDATE: Member, ANY_FAILURE: Member}} Goal what
 *   "Break it" and manual stepping aim for
 * @property {{RUNNING: Member, DONE: Member}} SearchState a search's progress
 * @property {{seed: Bounds, depth: Bounds, pct_steps: Bounds, budget: Bounds,
 *   source_bytes: Bounds, code_link: Bounds}} limits `source_bytes`: how long a program's
 *   text may be (UTF-8 bytes); `code_link`: how long a link that carries a program may be
 *   (/code#src=…, characters)
 * @property {string} own_code what a run of your own code has in place of a scenario id
 * @property {{mode: string, policy: string, granularity: string, search_policy: string}} defaults
 *   the values a request without them gets
 */

/** @typedef {"Mode" | "Policy" | "SearchPolicy" | "Granularity" | "Status" | "Goal" | "SearchState"} EnumName */

export const ELEMENT_ID = "threadlab-contract";

/** @type {Contract | null} */
let current = null;

/**
 * Install the contract (a test, or a page that fetched GET /api/contract itself).
 * @param {Contract} contract
 */
export function useContract(contract) {
  current = contract;
}

/** @returns {Contract} the contract, read from the page the first time */
export function contract() {
  if (current === null) current = fromPage();
  return current;
}

/** @returns {Contract} */
function fromPage() {
  const element = globalThis.document?.getElementById(ELEMENT_ID);
  if (!element?.textContent) {
    throw new Error(`the page has no #${ELEMENT_ID}: the run contract is missing`);
  }
  return JSON.parse(element.textContent);
}

/**
 * An enum that is looked up when used: `Mode.CONTROLLED.value` reads the contract then,
 * not when this module is imported (a test installs it after its imports).
 * @template {EnumName} N
 * @param {N} name
 * @returns {Readonly<Contract[N]>}
 */
function lazy(name) {
  const target = () => /** @type {Record<string, Member>} */ (contract()[name]);
  // The target stays empty (and extensible, as a Proxy that reports keys the target
  // lacks must have it); every read goes to the contract, every write is refused.
  return /** @type {any} */ (new Proxy({}, {
    get: (_, key) => Reflect.get(target(), key),
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      return descriptor && { ...descriptor, configurable: true, writable: false };
    },
  }));
}

export const Mode = lazy("Mode");
export const Policy = lazy("Policy");
export const SearchPolicy = lazy("SearchPolicy");
export const Granularity = lazy("Granularity");
export const Status = lazy("Status");
export const Goal = lazy("Goal");
export const SearchState = lazy("SearchState");

/** @returns {Contract["limits"]} the bounds of seed, depth, pct_steps and budget */
export function limits() {
  return contract().limits;
}

/** @returns {string} the scenario id a run of your own code has (its `scenario`) */
export function ownCode() {
  return contract().own_code;
}

/**
 * @param {{scenario?: unknown}} run a run, or a run list's entry
 * @returns {boolean} it ran someone's own code (its `source`), not a scenario
 */
export function isOwnCode(run) {
  return run.scenario === ownCode();
}

/** @returns {Contract["defaults"]} what a request gets for what it leaves out */
export function defaults() {
  return contract().defaults;
}

/**
 * The member of enum `name` whose value is `value`, or null for a value the contract
 * does not know (a newer server, a typo).
 * @template {EnumName} N
 * @param {N} name
 * @param {unknown} value
 * @returns {Contract[N][keyof Contract[N]] | null}
 */
export function member(name, value) {
  const members = /** @type {Contract[N][keyof Contract[N]][]} */ (Object.values(contract()[name]));
  return members.find((m) => /** @type {Member} */ (/** @type {unknown} */ (m)).value === value) ?? null;
}

/**
 * The name of the member whose value is `value` ("DEADLOCK"), or null.
 * @param {EnumName} name
 * @param {unknown} value
 * @returns {string | null}
 */
export function memberName(name, value) {
  const members = /** @type {Record<string, Member>} */ (contract()[name]);
  return Object.keys(members).find((key) => members[key].value === value) ?? null;
}

/**
 * @param {{mode?: unknown}} run a run, a request or a form's schedule
 * @returns {boolean} Threadlab decides which thread runs (the seed and policy apply)
 */
export function isControlled(run) {
  return run.mode === Mode.CONTROLLED.value;
}

/**
 * @param {{mode?: unknown, policy?: unknown}} run
 * @returns {boolean} a controlled run whose every step a person picks
 */
export function isManual(run) {
  return isControlled(run) && run.policy === Policy.MANUAL.value;
}

/**
 * Whether a run with this status is over. A status this page does not know counts as
 * over: nothing it knows of will happen to the run any more.
 * @param {unknown} status
 * @returns {boolean}
 */
export function isEnded(status) {
  return member("Status", status)?.ended ?? true;
}

/**
 * Whether `policy` reads the controlled option `option` (PCT reads "depth").
 * @param {unknown} policy
 * @param {string} option
 * @returns {boolean}
 */
export function takesOption(policy, option) {
  return member("Policy", policy)?.options.includes(option) ?? false;
}

/**
 * @param {unknown} policy
 * @returns {string} its short label ("PCT", "stepped by hand"), or the value itself
 */
export function policyLabel(policy) {
  return member("Policy", policy)?.short ?? String(policy);
}

/**
 * @param {unknown} granularity
 * @returns {string} its short label ("bytecode steps"), or the value itself
 */
export function granularityLabel(granularity) {
  return member("Granularity", granularity)?.short ?? String(granularity);
}

/**
 * A status as a pill or a verdict starts with it: its label, capitalised ("Timed
 * out"); a status the contract does not know, from its value the same way.
 * @param {string} status
 * @returns {string}
 */
export function statusLabel(status) {
  const text = member("Status", status)?.label ?? status.replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
