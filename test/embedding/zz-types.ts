import { TextEmbeddingFunction, register, getRegistry, type EmbeddingBatch } from "quiverdb/embedding";
interface IOpts { model: string }
class WithInterface extends TextEmbeddingFunction<IOpts> {
  constructor(o: IOpts) { super(); this.resolveVariables(o); }
  async generateEmbeddings(t: string[]): Promise<EmbeddingBatch> { return t.map(() => [1]); }
}
register("x")(WithInterface);
const f = getRegistry().get<WithInterface>("x")!.create({ model: "a" });
f.ndims();
