// Every string in English, one module per page; a page's module adds its own keys here.
import common from './en/common.js';
import explore from './en/explore.js';
import train from './en/train.js';

export default { ...common, ...explore, ...train };
