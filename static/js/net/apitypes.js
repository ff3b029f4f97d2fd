// @ts-check
/**
 * The shapes of what the HTTP API v1 takes and answers, as JSDoc types (no code). A
 * "Mode value", "Status value"… is one of the run contract's names (app/contract.py,
 * in the browser model/contract.js), never spelled here; the calls are in net/api.js.
 * @module net/apitypes
 */

/**
 * @typedef {object} ParamSpec
 * @property {string} name
 * @property {"int" | "float" | "bool" | "choice"} type
 * @property {any} default
 * @property {number | null} min
 * @property {number | null} max
 * @property {string} [help]
 * @property {string[]} [choices]
 */

/**
 * @typedef {object} ScenarioInfo
 * @property {string} id
 * @property {string} title
 * @property {string} [group]
 * @property {string} concept
 * @property {string} summary
 * @property {ParamSpec[]} params
 * @property {string} [source]
 * @property {string} [explanation]
 * @property {string[]} [look_for]
 * @property {string[]} [modes] the Mode values it can run in
 * @property {string[]} [goals] the Goal values "Break it" may look for
 * @property {string | null} [fixed_by] the scenario that shows the fix
 * @property {{options?: Record<string, any>}} [extra] e.g. default controlled options
 * @property {Record<string, any>} [options] default controlled options, if exposed so
 */

/**
 * A run of a scenario (`scenario`, `params`) or of your own code (`source`, no params).
 * @typedef {object} RunRequest
 * @property {string} [scenario]
 * @property {Record<string, any>} [params]
 * @property {string} [source] a program's text (at most the contract's `limits.source_bytes.max` bytes)
 * @property {string} mode a Mode value
 * @property {number | null} seed null: the server picks one
 * @property {string} policy a Policy value (a free run sends the default one)
 * @property {RunOptions} [options] a controlled run's
 * @property {boolean} [gil_lane] a free run's GIL lane (its run's options say `gil_lane: true`)
 */

/**
 * Controlled-mode options.
 * @typedef {object} RunOptions
 * @property {string} [granularity] a Granularity value
 * @property {number} [depth] PCT's bug depth (within the contract's `limits.depth`)
 * @property {string[]} [choices] a prefix of picks to replay (undo, share)
 */

/**
 * @typedef {object} SearchRequest
 * @property {string} [scenario]
 * @property {Record<string, any>} [params]
 * @property {string} [source] your own code, in place of a scenario
 * @property {string} goal a Goal value
 * @property {string} policy a SearchPolicy value
 * @property {number} budget seeds to try (within `limits.budget`)
 */

/**
 * @typedef {object} SearchStatus
 * @property {string} id
 * @property {string} status a SearchState value
 * @property {number} tries
 * @property {number} budget seeds to try (within `limits.budget`)
 * @property {boolean} found
 * @property {number | null} seed
 * @property {string | null} policy the Policy of the try that found it
 * @property {{id: string, links: {page: string, events: string}} | null} run
 * @property {string | null} message
 * @property {string} [scenario] the program searched: a scenario id (your own code: the contract's `own_code`)
 * @property {Record<string, any>} [params] the scenario's parameters
 * @property {string | null} [source] your program's text (null for a scenario)
 * @property {PassedTry | null} [passed] when found: the last try that did not reach the goal
 */

/**
 * A try of a search that did not reach its goal: run it to see a run that passed.
 * @typedef {object} PassedTry
 * @property {number} seed
 * @property {string} policy a Policy value
 * @property {RunOptions} options
 */

/**
 * @typedef {object} RunCreated
 * @property {string} id
 * @property {string} status a Status value
 * @property {{self?: string, events: string, page: string, trace?: string}} links
 * @property {string} [control_token]
 */

/**
 * One run in the recent runs' list (GET /api/runs).
 * @typedef {object} RunEntry
 * @property {string} id
 * @property {string} scenario
 * @property {string} [title]
 * @property {string} status a Status value
 * @property {string | null} [summary] the verdict's sentence, or what went wrong
 * @property {string} [mode] a Mode value
 * @property {number | null} [seed]
 * @property {string | null} [policy] a Policy value
 * @property {Record<string, any>} [params]
 * @property {string | null} [created] ISO 8601
 * @property {string | null} [ended]
 * @property {{events?: number, threads?: number}} [counts]
 * @property {{page?: string}} [links]
 */

/**
 * @typedef {object} RunList
 * @property {RunEntry[]} runs newest first
 * @property {string | null} next the URL of the older runs, if there are more
 * @property {number} [keep_runs]
 * @property {string} [retention] a sentence: how many runs the server keeps
 */

/**
 * What the Share dialog shows for a path of this server.
 * @typedef {object} ShareInfo
 * @property {string} url the link to give the class
 * @property {string} [local_url] as this browser opened the server
 * @property {string[]} lan_urls the addresses the class can use, best first
 * @property {boolean} reachable can the class reach the server at all?
 * @property {string | null} hint what to do if they cannot
 * @property {string | null} [command] the command that fixes it
 * @property {string | null} [qr] the QR code's URL (SVG); null: none (a link too long)
 */

/**
 * Where the presenter is in the playback.
 * @typedef {object} Position
 * @property {number} seq the last event shown
 * @property {boolean} playing
 * @property {number} speed
 * @property {boolean} live staying on a live run's newest event
 */

export {};
