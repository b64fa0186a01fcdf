// Prisma CLI configuration. Only `prisma generate` is used here (see libs/db/README.md):
// migrations are applied by our own engine-free runner, `npm run migrate`.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/aivillage' },
});
