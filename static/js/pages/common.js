// @ts-check
/**
 * What every page does: the display preferences in the header.
 * @module pages/common
 */

import { installPrefs } from "../ui/prefs.js";

installPrefs();
