// The workflows users call and copy: the suite's actions and reusable workflows are called
// with what they declare, the reusable workflows hold nothing environment-specific, the suite
// is named one way at one ref, and every job is least-privilege and never cancelled half-way.
// Each checker is also run on a planted mistake, so that a checker that finds nothing fails.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  EXAMPLES_DIR,
  interfaceFindings,
  literalFindings,
  loadWorkflow,
  REUSABLE,
  ROOT,
  referenceFindings,
  SUITE_REF,
  SUITE_REPOSITORY,
  safetyFindings,
  suiteReference,
  type Workflow,
  workflowFiles,
} from "./check.ts";

const ours = workflowFiles().filter((file) => REUSABLE.includes(file) || file.startsWith(`${EXAMPLES_DIR}/`));

/** A workflow from text, as if it were the file `file`. */
const planted = (text: string, file = ".github/workflows/planted.yml"): Workflow => loadWorkflow(file, text);

describe("the workflows exist", () => {
  it("has the reusable workflows and the three examples", () => {
    expect(workflowFiles()).toEqual(
      expect.arrayContaining([
        ...REUSABLE,
        `${EXAMPLES_DIR}/stage.yml`,
        `${EXAMPLES_DIR}/production.yml`,
        `${EXAMPLES_DIR}/rolling-replace-only.yml`,
      ]),
    );
  });

  it("uses every suite action that a deployment needs", () => {
    const text = REUSABLE.map((file) => loadWorkflow(file).text).join("\n");
    for (const name of ["build-image", "bake-ami", "rolling-replace", "seed-mock-data", "promote"]) {
      expect(text).toContain(`${SUITE_REPOSITORY}/actions/${name}@${SUITE_REF}`);
    }
  });
});

describe("(a) inputs and outputs of the suite's actions and workflows", () => {
  it.each(workflowFiles())(
    "%s passes only declared inputs, sets required ones, reads only declared outputs",
    (file) => {
      expect(interfaceFindings(loadWorkflow(file))).toEqual([]);
    },
  );

  const step = (lines: string) => `on:
  workflow_call:
    inputs:
      environment:
        type: string
        required: true
jobs:
  deploy:
    runs-on: ubuntu-latest
    outputs:
      group: \${{ steps.roll.outputs.auto-scaling-group }}
    steps:
${lines}
`;

  it("finds an input the action does not declare, and a required one missing", () => {
    const findings = interfaceFindings(
      planted(
        step(`      - id: roll
        uses: deploy-actions/deploy/actions/rolling-replace@v1
        with:
          release: \${{ inputs.environment }}
          auto-scaling-groups: shop`),
      ),
    );
    expect(findings).toEqual([
      expect.stringMatching(/step roll: passes auto-scaling-groups, which .*rolling-replace@v1 does not declare/),
      expect.stringMatching(/step roll: does not set auto-scaling-group, which .*rolling-replace@v1 requires/),
    ]);
  });

  it("finds an output the action does not declare, a step that is not there, and an undeclared input", () => {
    const findings = interfaceFindings(
      planted(
        step(`      - id: roll
        uses: deploy-actions/deploy/actions/rolling-replace@v1
        with:
          auto-scaling-group: \${{ vars.ASG_NAME }}
          release: \${{ steps.bake.outputs.release }}
      - if: steps.roll.outputs.ami-id != ''
        env:
          WHERE: \${{ inputs.region }}
        run: echo "$WHERE"`),
      ),
    );
    expect(findings).toEqual([
      expect.stringMatching(/step roll: reads steps.bake.outputs.release, but no earlier step has id bake/),
      expect.stringMatching(/step #2: reads steps.roll.outputs.ami-id, which .*rolling-replace@v1 does not declare/),
      expect.stringMatching(/step #2: reads inputs.region, which the workflow does not declare/),
    ]);
  });

  it("finds a job output read through needs that the job does not declare, or a job not needed", () => {
    const findings = interfaceFindings(
      planted(`on:
  workflow_call:
    outputs:
      release:
        value: \${{ jobs.deploy.outputs.release }}
    secrets:
      DATABASE_URL:
        required: false
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      image: \${{ steps.image.outputs.image }}
    steps:
      - id: image
        uses: deploy-actions/deploy/actions/build-image@v1
        with:
          image: \${{ vars.IMAGE }}
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - env:
          RELEASE: \${{ needs.build.outputs.release }}
          OTHER: \${{ needs.seed.outputs.rows }}
          TOKEN: \${{ secrets.DEPLOY_TOKEN }}
          URL: \${{ secrets.DATABASE_URL }}
        run: echo`),
    );
    expect(findings).toEqual([
      expect.stringMatching(/job deploy, step #1: reads needs.build.outputs.release, which job build does not declare/),
      expect.stringMatching(/job deploy, step #1: reads needs.seed.outputs.rows, but job deploy does not need seed/),
      expect.stringMatching(/reads secrets.DEPLOY_TOKEN, which on.workflow_call.secrets does not declare/),
      expect.stringMatching(/output release: reads jobs.deploy.outputs.release, which job deploy does not declare/),
    ]);
  });

  it("checks a call of a reusable workflow against its workflow_call inputs, secrets and outputs", () => {
    const findings = interfaceFindings(
      planted(
        `on: push
jobs:
  stage:
    uses: deploy-actions/deploy/.github/workflows/deploy.yml@v1
    with:
      enviroment: stage
    secrets:
      DB_URL: \${{ secrets.DB_URL }}
  after:
    needs: stage
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.stage.outputs.releases }}"`,
        "workflows-examples/planted.yml",
      ),
    );
    expect(findings).toEqual([
      expect.stringMatching(/job stage: passes enviroment, which .*deploy.yml@v1 does not declare/),
      expect.stringMatching(/job stage: does not set environment, which .*deploy.yml@v1 requires/),
      expect.stringMatching(/job stage: passes secret DB_URL, which .*deploy.yml@v1 does not declare/),
      expect.stringMatching(/reads needs.stage.outputs.releases, which job stage does not declare/),
    ]);
  });
});

describe("(b) no environment-specific literal in a reusable workflow", () => {
  it.each(REUSABLE)("%s takes every environment's value from vars, secrets or inputs", (file) => {
    expect(literalFindings(loadWorkflow(file))).toEqual([]);
  });

  it.each([
    ["an AWS account id", `          target-account: \${{ vars.TARGET_ACCOUNT || '123456789012' }}`],
    ["an ARN", `          role-to-assume: arn:aws:iam::\${{ vars.ACCOUNT }}:role/deploy`],
    ["a region", `          region: \${{ vars.AWS_REGION || 'eu-west-1' }}`],
    ["an AMI id", `          base-ami: \${{ vars.BASE_AMI || 'ami-0123456789abcdef0' }}`],
    ["a subnet, security group or VPC id", `          subnet-id: \${{ vars.SUBNET_ID || 'subnet-0123456789abcdef0' }}`],
    ["an Auto Scaling group-like name", `          auto-scaling-group: \${{ vars.ASG_NAME || 'shop-asg' }}`],
    ["an Auto Scaling group-like name", `          auto-scaling-group: \${{ vars.ASG_NAME || 'shop-web-production' }}`],
    ["a registry host", `          image: \${{ vars.IMAGE || '111122223333.dkr.ecr.us-east-1.amazonaws.com/shop' }}`],
    ["a URL", `          environment-url: \${{ vars.ENVIRONMENT_URL || 'https://stage.example.com' }}`],
  ])("finds %s planted in deploy.yml", (what, line) => {
    const original = loadWorkflow(".github/workflows/deploy.yml");
    const value = line.replace(/^\s*[\w-]+: /, "");
    // A step added at the end of the deploy job, reading the value planted.
    const text = original.text.replace(
      "\n  seed:\n",
      `      - name: planted\n        env:\n          PLANTED: ${value}\n        run: echo "$PLANTED"\n\n  seed:\n`,
    );
    expect(text).not.toBe(original.text);
    expect(literalFindings(planted(text, original.file))).toContainEqual(expect.stringContaining(`: ${what}, `));
  });

  it("finds a literal group or region given to an action, and a value in a comment", () => {
    const findings = literalFindings(
      planted(`on: workflow_call
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      # stage runs in ap-southeast-2
      - uses: deploy-actions/deploy/actions/rolling-replace@v1
        with:
          auto-scaling-group: shop-web
          region: \${{ vars.AWS_REGION }}`),
    );
    expect(findings).toEqual([
      expect.stringMatching(/planted.yml:6: a region, ap-southeast-2/),
      expect.stringMatching(/auto-scaling-group is the literal "shop-web"/),
    ]);
  });

  it("lets links to documentation through", () => {
    const findings = literalFindings(
      planted(`# See https://docs.github.com/en/actions/reference/workflows-and-actions/reusing-workflow-configurations
on: workflow_call
jobs: {}`),
    );
    expect(findings).toEqual([]);
  });
});

describe("(c) the suite is named one way, at one ref", () => {
  it.each(ours)("%s names the suite as %s", (file) => {
    expect(referenceFindings(loadWorkflow(file))).toEqual([]);
  });

  it("parses the suite's references", () => {
    expect(suiteReference("deploy-actions/deploy/actions/bake-ami@v1")).toEqual({
      kind: "action",
      repository: "deploy-actions/deploy",
      name: "bake-ami",
      ref: "v1",
    });
    expect(suiteReference("./.github/workflows/deploy.yml")).toEqual({
      kind: "workflow",
      file: ".github/workflows/deploy.yml",
    });
    expect(suiteReference("actions/checkout@v5")).toBeUndefined();
  });

  it("finds another org, another ref, a local action path and a missing local workflow", () => {
    const findings = referenceFindings(
      planted(`on: workflow_call
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: deploy-actions/deploy/actions/build-image@v1
      - uses: my-fork/deploy/actions/bake-ami@v1
      - uses: deploy-actions/deploy/actions/rolling-replace@v2
      - uses: ./actions/seed-mock-data
  next:
    uses: ./.github/workflows/nowhere.yml`),
    );
    expect(findings).toEqual([
      expect.stringMatching(
        /my-fork\/deploy\/actions\/bake-ami@v1 is not deploy-actions\/deploy\/actions\/bake-ami@v1/,
      ),
      expect.stringMatching(/rolling-replace@v2 is not deploy-actions\/deploy\/actions\/rolling-replace@v1/),
      expect.stringMatching(/\.\/actions\/seed-mock-data resolves in the caller's checkout/),
      expect.stringMatching(/job next: \.\/\.github\/workflows\/nowhere.yml does not exist/),
      expect.stringMatching(/named at more than one repository or ref/),
    ]);
  });
});

describe("(d) least privilege, timeouts, and nothing cancelled in progress", () => {
  it.each(ours)("%s: every job declares permissions, and no concurrency cancels in progress", (file) => {
    expect(safetyFindings(loadWorkflow(file))).toEqual([]);
  });

  it("serialises deployments per environment in deploy.yml", () => {
    expect(loadWorkflow(".github/workflows/deploy.yml").doc.concurrency).toEqual({
      group: `deploy-\${{ inputs.environment }}`,
      "cancel-in-progress": false,
    });
  });

  it("asks for id-token: write only in jobs that use AWS, deployments: write only where one is recorded", () => {
    for (const file of REUSABLE) {
      const jobs = loadWorkflow(file).doc.jobs as Record<string, Record<string, unknown>>;
      for (const [id, job] of Object.entries(jobs)) {
        const permissions = job.permissions as Record<string, string>;
        const text = JSON.stringify(job);
        const usesAws = text.includes("configure-aws-credentials") || typeof job.uses === "string";
        expect(permissions["id-token"] === "write", `${file}: job ${id} id-token`).toBe(usesAws);
        const records = text.includes("actions/rolling-replace@") || typeof job.uses === "string";
        expect(permissions.deployments === "write", `${file}: job ${id} deployments`).toBe(records);
      }
    }
  });

  it("finds a job without permissions, without a timeout, and a concurrency that cancels", () => {
    const findings = safetyFindings(
      planted(`on: workflow_call
concurrency: deploy
jobs:
  deploy:
    runs-on: ubuntu-latest
    concurrency:
      group: deploy
      cancel-in-progress: true
    steps:
      - run: echo`),
    );
    expect(findings).toEqual([
      expect.stringMatching(/planted.yml: concurrency must set cancel-in-progress: false/),
      expect.stringMatching(/job deploy declares no permissions/),
      expect.stringMatching(/job deploy has no timeout-minutes/),
      expect.stringMatching(/job deploy: concurrency must set cancel-in-progress: false/),
    ]);
  });
});

describe("docs/setup.md", () => {
  const setup = readFileSync(path.join(ROOT, "docs/setup.md"), "utf8");

  it("lists every variable and secret the reusable workflows read, and no other", () => {
    const read = new Set(
      REUSABLE.flatMap((file) => [...loadWorkflow(file).text.matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)/g)]).map(
        (m) => m[1],
      ),
    );
    const documented = new Set(
      [...setup.matchAll(/^\| (?:variable|secret) \| ([^|]+) \|/gm)].flatMap((m) =>
        [...(m[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((n) => n[1]),
      ),
    );
    expect([...documented].sort()).toEqual([...read].sort());
  });

  it("links only to files that exist", () => {
    for (const [, target] of setup.matchAll(/\]\((\.\.\/[^)#]+)(?:#[^)]*)?\)/g)) {
      expect(existsSync(path.join(ROOT, "docs", target ?? "")), target).toBe(true);
    }
  });

  it("names the suite as the workflows do", () => {
    expect(setup).toContain(`${SUITE_REPOSITORY}/.github/workflows/deploy.yml@${SUITE_REF}`);
    expect(setup).toContain(`${SUITE_REPOSITORY}/actions/<name>@${SUITE_REF}`);
  });
});
