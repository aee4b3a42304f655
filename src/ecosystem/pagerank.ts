import pagerankModule from 'graphology-metrics/centrality/pagerank.js';

/**
 * graphology-metrics ships CommonJS (`module.exports = pagerank`) with `export default` typings,
 * so under NodeNext the default import is typed as the module object while at run time it is
 * the function itself. This shim resolves both shapes once.
 */
type Pagerank = typeof pagerankModule.default;

const loaded: unknown = pagerankModule;
export const pagerank: Pagerank = typeof loaded === 'function' ? (loaded as Pagerank) : pagerankModule.default;
