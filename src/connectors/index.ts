// The connectors the server mounts. A new one is a folder `src/connectors/<source>/` exporting a
// `Connector` (see connector.ts), and one line here.
import type { Connector } from './connector.ts';
import { githubConnector } from './github/github.connector.ts';
import { gitlabConnector } from './gitlab/gitlab.connector.ts';
import { k8sAdmissionConnector } from './k8s-admission/k8s-admission.connector.ts';

export const CONNECTORS: readonly Connector[] = [githubConnector, gitlabConnector, k8sAdmissionConnector];
