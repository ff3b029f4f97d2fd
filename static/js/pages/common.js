// @ts-check
/**
 * What every page does: the display preferences in the header.
 * @module pages/common
 */

import { installPrefs } from "../prefs.js";

installPrefs();
