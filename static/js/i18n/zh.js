// Every string in Simplified Chinese, one module per page; a page's module adds its own keys here.
import backward from './zh/backward.js';
import classMode from './zh/class.js';
import common from './zh/common.js';
import explore from './zh/explore.js';
import lab from './zh/lab.js';
import learn from './zh/learn.js';
import practice from './zh/practice.js';
import present from './zh/present.js';
import train from './zh/train.js';

export default { ...common, ...explore, ...backward, ...lab, ...learn, ...train, ...practice, ...classMode, ...present };
