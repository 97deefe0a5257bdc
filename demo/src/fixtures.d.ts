// demo/build.mjs loads .json files as text: the wasm module parses them itself.
declare module '*.json' {
  const text: string;
  export default text;
}
