/* YAML to cJSON through libyaml's event parser (pyyaml.org/wiki/LibYAML). */
#include "vectors/yaml_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "ethc/bytes.h"

#define MAX_DEPTH 64

/* Attaches `v` to the container `parent` (under *key when it is an object). */
static int attach(cJSON *parent, char **key, cJSON *v) {
  if (cJSON_IsArray(parent)) return cJSON_AddItemToArray(parent, v) ? 0 : -1;
  if (!*key) return -1;
  int ok = cJSON_AddItemToObject(parent, *key, v);
  free(*key);
  *key = NULL;
  return ok ? 0 : -1;
}

cJSON *yaml_to_json(const char *text, size_t len, char *err, size_t errlen) {
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    if (err) snprintf(err, errlen, "out of memory");
    return NULL;
  }
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  cJSON *stack[MAX_DEPTH];
  char *keys[MAX_DEPTH] = {0}; /* the pending key of each object on the stack */
  int depth = 0;
  cJSON *root = NULL;
  const char *fail = NULL;
  for (bool done = false; !done && !fail;) {
    yaml_event_t e;
    if (!yaml_parser_parse(&p, &e)) {
      fail = p.problem ? p.problem : "malformed YAML";
      break;
    }
    cJSON *v = NULL;
    switch (e.type) {
      case YAML_SCALAR_EVENT: {
        const char *s = (const char *)e.data.scalar.value;
        if (depth == 0) {
          root = cJSON_CreateString(s);
          done = true;
        } else if (cJSON_IsObject(stack[depth - 1]) && !keys[depth - 1]) {
          keys[depth - 1] = strdup(s);
          if (!keys[depth - 1]) fail = "out of memory";
        } else if (attach(stack[depth - 1], &keys[depth - 1], cJSON_CreateString(s))) {
          fail = "out of memory";
        }
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT:
        v = e.type == YAML_SEQUENCE_START_EVENT ? cJSON_CreateArray() : cJSON_CreateObject();
        if (!v || depth == MAX_DEPTH) {
          cJSON_Delete(v);
          fail = "nesting too deep";
          break;
        }
        if (depth == 0) root = v;
        else if (!cJSON_IsArray(stack[depth - 1]) && !keys[depth - 1]) {
          cJSON_Delete(v);
          fail = "a collection as a mapping key";
          break;
        } else if (attach(stack[depth - 1], &keys[depth - 1], v)) {
          cJSON_Delete(v);
          fail = "out of memory";
          break;
        }
        stack[depth++] = v;
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        depth--;
        free(keys[depth]);
        keys[depth] = NULL;
        if (depth == 0) done = true;
        break;
      case YAML_ALIAS_EVENT: fail = "YAML aliases are not supported"; break;
      case YAML_STREAM_END_EVENT: done = true; break;
      default: break;
    }
    yaml_event_delete(&e);
  }
  for (int i = 0; i < depth; i++) free(keys[i]);
  yaml_parser_delete(&p);
  if (fail || !root) {
    if (err) snprintf(err, errlen, "%s", fail ? fail : "empty document");
    cJSON_Delete(root);
    return NULL;
  }
  return root;
}

cJSON *yaml_file_to_json(const char *path, char *err, size_t errlen) {
  size_t len;
  char *text = (char *)bytes_read_file(path, &len);
  if (!text) {
    if (err) snprintf(err, errlen, "cannot read the file");
    return NULL;
  }
  cJSON *j = yaml_to_json(text, len, err, errlen);
  free(text);
  return j;
}
