// For GitLab versions that send no `deployment` webhook for a blocked deployment: polls the configured
// projects' blocked deployments and answers each as the webhook would. Each deployment is decided once
// (its project and id are the idempotency key); once per cluster, so two servers never answer twice.
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Container } from '../container.ts';
import { gitLabApi, projectRef } from '../connectors/gitlab/gitlab.api.ts';
import { answerBlocked, type BlockedDeployment } from '../connectors/gitlab/gitlab.deployment.ts';
import type { GitLabSettings } from '../connectors/settings.ts';
import type { Job } from './job.ts';

const Project = z.looseObject({ id: z.number().int(), name: z.string(), path_with_namespace: z.string() });
const Deployment = z.looseObject({
  id: z.number().int(),
  ref: z.string().nullable().optional(),
  environment: z.looseObject({ name: z.string().min(1) }),
  deployable: z
    .looseObject({
      id: z.number().int(),
      web_url: z.string().optional(),
      commit: z.looseObject({ message: z.string().optional(), title: z.string().optional() }).optional(),
    })
    .nullable()
    .optional(),
});

export const GITLAB_POLL_PATH = '/jobs/gitlab-blocked-deployments';

export function gitlabBlockedDeploymentsJob(
  c: Container,
  settings: GitLabSettings,
  secret: (name: string) => string | undefined,
  log: FastifyBaseLogger,
): Job {
  const api = gitLabApi(settings, secret);
  const pollProject = async (ref: string) => {
    const project = Project.parse(await api.get(`/projects/${projectRef(ref)}`));
    const blocked = z
      .array(z.unknown())
      .parse(
        await api.get(`/projects/${project.id}/deployments?status=blocked&order_by=id&sort=asc&per_page=100`),
      );
    const answered: Promise<void>[] = [];
    for (const item of blocked) {
      const parsed = Deployment.safeParse(item);
      if (!parsed.success) {
        log.warn(
          { project: project.path_with_namespace, err: parsed.error.message },
          'unreadable GitLab deployment skipped',
        );
        continue;
      }
      const d = parsed.data;
      const deployment: BlockedDeployment = {
        projectId: project.id,
        projectPath: project.path_with_namespace,
        projectName: project.name,
        deploymentId: d.id,
        jobId: d.deployable?.id ?? null,
        environment: d.environment.name,
        ref: d.ref ?? null,
        commitText: d.deployable?.commit?.message ?? d.deployable?.commit?.title ?? null,
        pipelineUrl: d.deployable?.web_url,
      };
      const key = `gitlab-deployment:${project.id}:${d.id}`;
      const result = await answerBlocked(
        c,
        api,
        settings,
        deployment,
        { key, raw: key, path: GITLAB_POLL_PATH },
        log,
      );
      answered.push(result.done);
    }
    await Promise.all(answered);
  };
  return {
    name: 'gitlab-blocked-deployments',
    intervalMs: settings.pollSeconds * 1000,
    oncePerCluster: true,
    run: async () => {
      const failures: string[] = [];
      for (const project of settings.pollProjects)
        await pollProject(project).catch((err: unknown) =>
          failures.push(`${project}: ${(err as Error).message}`),
        );
      if (failures.length > 0) throw new Error(`GitLab blocked deployments not read: ${failures.join('; ')}`);
    },
  };
}
