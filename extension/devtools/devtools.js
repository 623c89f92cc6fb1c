// The devtools_page: runs once per DevTools window and adds the AuthLens panel.
import { api } from '../shared/browser.js';

api.devtools.panels.create('AuthLens', '/icons/icon-32.png', '/panel/panel.html');
