// The tutorials' worked examples as data (shown as text when no endpoint computes them yet).
// Karn: the 5 x 5 binary image, the 3 x 3 filter and the feature map he prints.
export const KARN_IMAGE = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]];
export const KARN_FILTER = [[1, 0, 1], [0, 1, 0], [1, 0, 1]];
export const KARN_MAP = [[4, 3, 4], [2, 4, 3], [2, 3, 4]];
// CS231n / July: the 4 x 4 map and its 2 x 2 max pooling with stride 2.
export const POOL_INPUT = [[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]];
export const POOL_OUTPUT = [[6, 8], [3, 4]];
// Karn's training example: target and output for the boat image.
export const KARN_TARGET = [0, 0, 1, 0];
export const KARN_OUTPUT = [0.2, 0.4, 0.1, 0.3];
// ...and after training, the same image's output (Karn: closer to the target).
export const KARN_TRAINED = [0.1, 0.1, 0.7, 0.1];
// CS231n's output sizes: [W, F, S, P, result] (4.5: does not fit).
export const SIZES = [[7, 3, 1, 0, '5'], [7, 3, 2, 0, '3'], [5, 3, 1, 1, '5'], [5, 3, 2, 1, '3'], [10, 3, 2, 0, '4.5 ✗'],
  [227, 11, 4, 0, '55']];
// CS231n's AlexNet conv1: 227 x 227 x 3, F = 11, S = 4, K = 96.
export const ALEXNET = { neurons: 290400, shared: 34944, unshared: 105705600 };

/** The first 2-D slice of a nested array (the lab may answer K x H x W). */
export const plane = (a) => (Array.isArray(a[0]?.[0]) ? plane(a[0]) : a);
