// Package doccorpus holds the documentation contract's TypeScript test:
// every TypeScript snippet of the documentation (testdata/spec-ts)
// type-checks against the code generated for its schema, except the ones
// docs/spec-corpus.md lists with a reason. (The schema snippets are
// checked by sema's TestSpecCorpus.) It has no code of its own.
package doccorpus
