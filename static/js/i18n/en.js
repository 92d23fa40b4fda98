// Every string in English, one module per page; a page's module adds its own keys here.
import common from './en/common.js';
import classMode from './en/class.js';
import explore from './en/explore.js';
import practice from './en/practice.js';

export default { ...common, ...explore, ...practice, ...classMode };
