// Every string in Simplified Chinese, one module per page; a page's module adds its own keys here.
import common from './zh/common.js';
import explore from './zh/explore.js';
import train from './zh/train.js';

export default { ...common, ...explore, ...train };
