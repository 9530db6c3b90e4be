/* A YAML document (YAML 1.1 through libyaml) as a cJSON tree, for the consensus
 * spec tests' small .yaml files: mappings become objects, sequences arrays, and
 * every scalar a JSON string holding its text (callers convert numbers). Anchors,
 * aliases and tags are not needed by those files and are refused. */
#ifndef ETHC_VECTORS_YAML_JSON_H
#define ETHC_VECTORS_YAML_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The first document of `text`, or NULL (with `err` holding why, when given) for
 * malformed YAML or an alias. The caller frees the tree with cJSON_Delete. */
cJSON *yaml_to_json(const char *text, size_t len, char *err, size_t errlen);
/* The same for a file. */
cJSON *yaml_file_to_json(const char *path, char *err, size_t errlen);

#endif
