/** Pins what impact and render export: other modules (PR checks, syncto) build on these names. */
import { expect } from 'chai';
import * as impact from '../../../src/impact/index.ts';
import * as render from '../../../src/render/index.ts';

describe('public API of impact and render', () => {
  it('impact exports', () => {
    expect(Object.keys(impact).sort()).to.deep.equal([
      'DeviceIndex',
      'ImpactService',
      'MAX_REASONS',
      'buildTemplateIndex',
      'compilePathPattern',
      'globUses',
      'parseSettingsRules',
      'pushProblems',
      'resolveCandidates',
      'selectorKey',
      'selectorsFor',
      'stuckDevices',
      'templateClosure',
      'templateReferences',
    ]);
  });

  it('render exports', () => {
    expect(Object.keys(render).sort()).to.deep.equal([
      'DEFAULT_RENDER_BUDGET',
      'MASK',
      'Renderer',
      'assertSettingsValid',
      'assertTemplatesValid',
      'boundedTwoFilesPatch',
      'configHash',
      'deriveSubstitutions',
      'inThreadDiffer',
      'isSettingsFile',
      'maskDeviceText',
      'maskSecretShapes',
      'maskSecrets',
      'mergeSettings',
      'mergeValue',
      'normalizeConfig',
      'parseMapping',
      'parseSettings',
      'parseTemplates',
      'platformOf',
      'renderConfig',
      'resolveTemplatePath',
      'secretsFromEnv',
      'settingsLayers',
      'tooLargeNote',
      'valueSubstitutions',
    ]);
  });
});
