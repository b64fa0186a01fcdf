/** Sign-in: the only page a signed-out visitor can open (see `src/proxy.ts`). */
import type { Metadata } from 'next';
import { SignInForm } from '@/components/auth/sign-in-form';
import { safeNextPath, type SignInReason } from '@/lib/session';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const rawReason = Array.isArray(params.reason) ? params.reason[0] : params.reason;
  const reason: SignInReason | null = rawReason === 'expired' || rawReason === 'signed-out' ? rawReason : null;
  return (
    <div className="sign-in" data-testid="page-sign-in">
      <SignInForm next={safeNextPath(params.next)} reason={reason} />
    </div>
  );
}
