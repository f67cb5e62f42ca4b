#!/usr/bin/env node
// Validates CloudFormation templates offline with the npm package cfn-lint (a standalone
// JavaScript validator; it needs no Python). Its bundled resource specification is from 2019
// (2.29.0) and lacks properties these templates need (ContainerDefinition.Secrets,
// SqsManagedSseEnabled, DeploymentCircuitBreaker...), so the specification shipped by
// @aws-cdk/cfnspec (117.0.0) is put in its place before the validator loads.
//
// Usage: node validate.cjs --install-dir DIR [--parameters FILE] TEMPLATE...
//   DIR   where package.json's dependencies are installed (scripts/validate-templates.sh)
//   FILE  JSON: { "<template file name>": [ { "name": "...", "parameters": { ... } }, ... ] }
//         The validator ignores resource Conditions and guesses missing parameter values, so a
//         template is validated once per listed parameter set (or once with guesses).
// Exit code: 0 when no template has an error, 1 when one has, 2 on bad usage.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

function usage(message) {
  console.error(`validate.cjs: ${message}`);
  console.error('usage: node validate.cjs --install-dir DIR [--parameters FILE] TEMPLATE...');
  process.exit(2);
}

const args = process.argv.slice(2);
let installDir = null;
let parametersFile = null;
const templates = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--install-dir') installDir = args[++i];
  else if (args[i] === '--parameters') parametersFile = args[++i];
  else if (args[i].startsWith('--')) usage(`unknown option ${args[i]}`);
  else templates.push(args[i]);
}
if (!installDir) usage('--install-dir is required');
if (templates.length === 0) usage('no template given');

const requireFromInstall = createRequire(path.join(path.resolve(installDir), 'package.json'));

const specPath = requireFromInstall.resolve('@aws-cdk/cfnspec/spec/specification.json');
const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
const bundledSpecPath = requireFromInstall.resolve('cfn-lint/data/aws_resources_specification.json');
require.cache[bundledSpecPath] = { id: bundledSpecPath, filename: bundledSpecPath, loaded: true, exports: spec };
const cfnLint = requireFromInstall('cfn-lint/lib/api');
const cfnLintVersion = requireFromInstall('cfn-lint/package.json').version;

const parameterSets = parametersFile ? JSON.parse(fs.readFileSync(parametersFile, 'utf8')) : {};

console.log(`cfn-lint ${cfnLintVersion} (npm), resource specification ${spec.ResourceSpecificationVersion} from @aws-cdk/cfnspec`);

let failed = 0;
for (const template of templates) {
  const sets = parameterSets[path.basename(template)] || [{ name: 'guessed parameters', parameters: {} }];
  for (const set of sets) {
    let result;
    try {
      result = cfnLint.validateFile(template, { parameters: set.parameters || {} });
    } catch (err) {
      console.log(`${template} [${set.name}]: cannot be parsed: ${err.message}`);
      failed++;
      continue;
    }
    const { crit, warn } = result.errors;
    console.log(`${template} [${set.name}]: ${crit.length} errors, ${warn.length} warnings`);
    for (const e of crit) console.log(`  error    ${e.resource}: ${e.message}`);
    for (const w of warn) console.log(`  warning  ${w.resource}: ${w.message}`);
    if (!result.templateValid || crit.length > 0) failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
