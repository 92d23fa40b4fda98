// Every string in English, one module per page; a page's module adds its own keys here.
import backward from './en/backward.js';
import classMode from './en/class.js';
import common from './en/common.js';
import explore from './en/explore.js';
import lab from './en/lab.js';
import learn from './en/learn.js';
import practice from './en/practice.js';
import present from './en/present.js';
import train from './en/train.js';

export default { ...common, ...explore, ...backward, ...lab, ...learn, ...train, ...practice, ...classMode, ...present };
