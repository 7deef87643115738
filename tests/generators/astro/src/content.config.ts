// One content collection per folder of src/content (as a ministry site declares its own), each
// holding `<lang>/<slug>.md` files. The schema is permissive: what the pages need is typed (an
// empty key, `name:`, is null), the rest (a data collection's nested keys) passes through untouched.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

const contentRoot = join(process.cwd(), 'src', 'content');

export const collectionNames: string[] = readdirSync(contentRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function collectionOf(name: string) {
  return defineCollection({
    // Astro's own ids, as a ministry site has them: `<lang>/<slug>`, each part a github-slugger slug.
    loader: glob({ pattern: '**/*.md', base: `./src/content/${name}` }),
    schema: ({ image }) =>
      z
        .object({
          title: z.string().nullish(),
          name: z.string().nullish(),
          date: z.coerce.date().nullish(),
          description: z.string().nullish(),
          draft: z.boolean().nullish(),
          lang: z.string().nullish(),
          // `@/assets/…` goes through Astro's image pipeline; a site-root path (`/blog/x.jpg`)
          // is a file of public/ and stays a plain URL.
          image: z.union([z.string().startsWith('/'), image()]).nullish(),
        })
        .loose(),
  });
}

export const collections = Object.fromEntries(collectionNames.map((name) => [name, collectionOf(name)]));
