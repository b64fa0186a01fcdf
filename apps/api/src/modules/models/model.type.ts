import { JSONResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../access/access.type.js';

@ObjectType({ description: "One input or output of a model's signature" })
export class TensorSpec {
  @Field() name!: string;
  @Field({ description: 'float32, int64, ... (non-tensor values by kind: sequence, map, ...)' }) dtype!: string;
  @Field(() => [String], {
    nullable: true,
    description: 'Dims: a number as a string ("64"), a symbolic name ("N"), or "?" when unknown; null when the model declares no rank',
  })
  shape!: string[] | null;
}

@ObjectType({ description: 'A movable name (production, staging, ...) for one version of a model' })
export class ModelAlias {
  @Field() alias!: string;
  @Field(() => Int) version!: number;
}

@ObjectType('ModelVersion', { description: 'An immutable version of a model: an ONNX artifact and what was read from it' })
export class ModelVersionType {
  @Field(() => ID) id!: string;
  modelId!: string;
  @Field(() => Int, { description: '1, 2, ... per model; never reused' }) version!: number;
  @Field({ description: 'sha256 of the ONNX file (its identity in the artifact store)' }) sha256!: string;
  @Field(() => Float) sizeBytes!: number;
  @Field(() => Int, { description: 'Opset of the default ONNX domain' }) opset!: number;
  @Field(() => Int) irVersion!: number;
  @Field() producer!: string;
  @Field(() => [TensorSpec]) inputs!: TensorSpec[];
  @Field(() => [TensorSpec]) outputs!: TensorSpec[];
  @Field(() => Float, { description: 'Elements in every initializer and constant tensor' }) parameterCount!: number;
  @Field({ description: 'none, int8, uint8, int2 or int4 (codes packed into bytes), float16 or mixed, as read from the file' }) quantisation!: string;
  @Field(() => JSONResolver, { nullable: true, description: 'Evaluation results, e.g. { "accuracy": 0.97 }' }) metrics!: unknown;
  @Field(() => ID, { nullable: true, description: 'Lineage: the training run that produced this version' }) trainingRunId!: string | null;
  @Field() createdAt!: Date;
}

@ObjectType('Model', { description: 'A registered model: immutable versions and movable aliases' })
export class ModelType {
  @Field(() => ID) id!: string;
  @Field() namespace!: string;
  @Field() name!: string;
  @Field({ description: 'What the model does: classification, embedding, ...' }) task!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [String]) tags!: string[];
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType()
export class ModelConnection {
  @Field(() => [ModelType]) nodes!: ModelType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
