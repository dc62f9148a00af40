/**
 * The sources of the work list. Each area adds its providers from its own plugin
 * (`addWorkListProviders(app, new VisitTaskProvider(db))`), so the work list imports none of them.
 */
import type { FastifyInstance } from 'fastify';
import type { WorkItem } from '../schemas/worklist.ts';
import { buildWorkList, type WorkListProvider, type WorkListScope } from './provider.ts';

export class WorkListSources {
  readonly #providers: WorkListProvider[] = [];

  add(...providers: WorkListProvider[]): void {
    this.#providers.push(...providers);
  }

  /** The sources in the order they were added. */
  get providers(): readonly WorkListProvider[] {
    return this.#providers;
  }

  items(scope: WorkListScope): Promise<WorkItem[]> {
    return buildWorkList([...this.#providers], scope);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every source of the work list (decorated by app.ts before the areas register). */
    workList: WorkListSources;
  }
}

/**
 * Adds an area's providers to the work list. An area registered on an instance of its own, without
 * a work list, has nowhere to add them and adds nothing.
 */
export function addWorkListProviders(app: FastifyInstance, ...providers: WorkListProvider[]): void {
  if (app.hasDecorator('workList')) app.workList.add(...providers);
}
