// The site's JavaScript: each module enhances the parts of the page it finds, which
// work without it as plain links and forms.

import * as auth from "./auth.js";
import * as comments from "./comments.js";
import * as lists from "./lists.js";
import * as reactions from "./reactions.js";
import * as search from "./search.js";

for (const module of [auth, reactions, comments, lists, search]) module.init();
