import { JSONResolver } from 'graphql-scalars';
import { Field, Float, InputType } from 'type-graphql';
import { DocumentStatus, RelationKind } from './knowledge.type.js';

@InputType()
export class IngestDocumentInput {
  @Field({ defaultValue: 'default' }) namespace!: string;
  @Field() title!: string;
  @Field({ description: 'UTF-8 text, at most KNOWLEDGE_MAX_DOCUMENT_BYTES bytes' }) text!: string;
  @Field(() => String, { nullable: true, description: 'Where it came from (URL, file, dataset)' }) source?: string | null;
  @Field(() => JSONResolver, { nullable: true, description: 'A JSON object kept with the document' }) metadata?: Record<string, unknown> | null;
}

@InputType({ description: 'An explicit triple; missing entities are created (named as given)' })
export class RelationInput {
  @Field() subject!: string;
  @Field(() => RelationKind) kind!: RelationKind;
  @Field({ description: 'Free label, e.g. is_a, causes, hypernym' }) label!: string;
  @Field() object!: string;
  @Field(() => Float, { nullable: true, description: 'In [0, 1]; default 1' }) confidence?: number | null;
}

@InputType()
export class DocumentFilter {
  @Field(() => String, { nullable: true }) namespace?: string | null;
  @Field(() => DocumentStatus, { nullable: true }) status?: DocumentStatus | null;
}
