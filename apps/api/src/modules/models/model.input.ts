import { JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Registers an uploaded artifact (POST /v1/models/artifacts) as the next version of a model' })
export class RegisterModelVersionInput {
  @Field({ defaultValue: 'default' }) namespace!: string;
  @Field({ description: 'Model name; the model is created with its first version' }) model!: string;
  @Field({ description: 'sha256 returned by the upload' }) sha256!: string;
  @Field(() => String, { nullable: true, description: 'Required for the first version; given later, it updates the model' }) task?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => JSONObjectResolver, { nullable: true, description: 'e.g. { "accuracy": 0.97 }' }) metrics?: Record<string, unknown> | null;
  @Field(() => ID, { nullable: true, description: 'The training run that produced it' }) trainingRunId?: string | null;
  @Field(() => [String], { nullable: true, description: 'Aliases to point at the new version, e.g. ["staging"]' }) aliases?: string[] | null;
}
