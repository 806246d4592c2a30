// The baseline's worker-thread entry under tsx (as src/render/renderProcessTs.cjs does for a render process).
const { register } = require('tsx/cjs/api');

register();
module.exports = require('./threadTask.ts').default;
