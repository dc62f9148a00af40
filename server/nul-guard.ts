/**
 * PostgreSQL text cannot hold the NUL character: a string with `\u0000` in a JSON body, or `%00` in
 * a query or path, passes every schema (it is a valid string) and then fails in SQL as a 500. Such
 * input is refused here, for every route, with a 400 that names where it was.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.ts';

/**
 * The JSON pointer of the first string (or key) holding a NUL, walked without recursion. Only what
 * JSON parses to is walked: a body a route reads as a stream (an import) is no tree of strings.
 */
export function nulPath(value: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return path || '/';
    } else if (Array.isArray(current)) {
      for (const [index, item] of current.entries()) stack.push({ value: item, path: `${path}/${index}` });
    } else if (current !== null && typeof current === 'object' && isPlain(current)) {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\u0000')) return `${path}/${key.split('\u0000').join('\\u0000')}`;
        stack.push({ value: item, path: `${path}/${key}` });
      }
    }
  }
  return undefined;
}

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (/%00/i.test(request.url)) throw badRequest('地址或查询参数中不能含有空字符（%00）');
    const where = nulPath(request.body);
    if (where !== undefined) throw badRequest(`请求内容 ${where} 中不能含有空字符（\\u0000）`);
  });
}
