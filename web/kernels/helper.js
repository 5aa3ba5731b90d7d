// helper.js - a helper worker of the kernels page's worker (team.js): its
// own engine and a copy of the image; it computes bands of output rows of a
// large kernel (helper-work.js has its messages).
import { loadConvlab } from '../lib/convlab.js';
import { serveRequests } from '../lib/worker-rpc.js';
import { helperHandlers } from './helper-work.js';

// simd as the worker's, never the relaxed build: the bands must be the worker's bits
serveRequests(helperHandlers((simd) => loadConvlab({ simd, relaxed: false })));
