/**
 * The templates a playground starts from: the reference plugins' own sources, bundled as text,
 * so the playground needs no file system.
 */
import helloSource from '../plugins/hello/index.ts?raw';
import helloManifest from '../plugins/hello/hello.info.toml?raw';
import blogSource from '../plugins/blog/index.ts?raw';
import blogManifest from '../plugins/blog/blog.info.toml?raw';
import type { PlaygroundState } from './share-link.js';

export interface Template {
  source: string;
  manifest: string;
  /** The route the preview opens first. */
  route: string;
  /** Reference plugins it depends on, enabled with it. */
  needs: readonly string[];
}

export const TEMPLATES = {
  hello: { source: helloSource, manifest: helloManifest, route: '/hello', needs: [] },
  blog: { source: blogSource, manifest: blogManifest, route: '/blog', needs: ['categories'] },
} satisfies Record<string, Template>;

export type TemplateName = keyof typeof TEMPLATES;

/** A fresh playground on `template`, run as a visitor with only the plugins it needs enabled. */
export function stateFromTemplate(name: TemplateName): PlaygroundState {
  const template: Template = TEMPLATES[name];
  return { source: template.source, manifest: template.manifest, enabled: [...template.needs], route: template.route, user: 'anonymous' };
}
