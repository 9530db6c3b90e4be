/* admin_nodeInfo's object (go-ethereum's p2p.NodeInfo fields) and the discovery
 * table as JSON, for the node to hand to the rpc layer. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/p2p_discv4.h"

char *p2p_node_info_json(const p2p_info_t *i) {
  enr_t enr;
  if (i->disc) discv4_local_enr(i->disc, &enr);
  else enr = i->enr;
  p2p_node_t self = {0};
  memcpy(self.pubkey, i->pubkey, 64);
  p2p_node_id(self.pubkey, self.id);
  memcpy(self.ip, i->ip, 16);
  self.tcp = i->tcp_port, self.udp = i->udp_port;
  char enode[ENODE_URL_MAX], enr_text[ENR_TEXT_MAX], id[67], ip[46], listen[64];
  enode_format(&self, enode, sizeof enode);
  enr_to_text(&enr, enr_text, sizeof enr_text);
  hex_encode(self.id, 32, id);
  p2p_ip_text(self.ip, ip);
  snprintf(listen, sizeof listen, "%s:%u", i->listen6 ? "[::]" : "0.0.0.0", i->tcp_port);
  cJSON *o = cJSON_CreateObject(), *ports = cJSON_CreateObject(), *disc = cJSON_CreateObject();
  /* raw: the text is ours, and re-parsing would turn big numbers (a total
   * difficulty in protocols.eth.config) into doubles */
  cJSON *protocols = cJSON_CreateRaw(i->protocols ? i->protocols : "{}");
  if (!o || !ports || !disc || !protocols) {
    cJSON_Delete(o), cJSON_Delete(ports), cJSON_Delete(disc), cJSON_Delete(protocols);
    return NULL;
  }
  cJSON_AddStringToObject(o, "id", id + 2);
  cJSON_AddStringToObject(o, "name", i->name ? i->name : "ethc");
  cJSON_AddStringToObject(o, "enode", enode);
  cJSON_AddStringToObject(o, "enr", enr_text);
  cJSON_AddStringToObject(o, "ip", ip);
  cJSON_AddNumberToObject(ports, "discovery", i->udp_port);
  cJSON_AddNumberToObject(ports, "listener", i->tcp_port);
  cJSON_AddItemToObject(o, "ports", ports);
  cJSON_AddStringToObject(o, "listenAddr", listen);
  cJSON_AddItemToObject(o, "protocols", protocols);
  cJSON_AddNumberToObject(disc, "table", i->disc ? (double)discv4_table_size(i->disc) : 0);
  cJSON_AddNumberToObject(disc, "seq", (double)enr.seq);
  cJSON_AddItemToObject(o, "discovery", disc);
  char *s = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return s;
}

char *discv4_table_json(discv4_t *d) {
  enum { MAX = 17 * 16 };
  p2p_node_t *nodes = calloc(MAX, sizeof *nodes);
  cJSON *a = cJSON_CreateArray();
  if (!nodes || !a) return free(nodes), cJSON_Delete(a), NULL;
  size_t n = d ? discv4_table_nodes(d, nodes, MAX) : 0;
  for (size_t k = 0; k < n; k++) {
    char enode[ENODE_URL_MAX], id[67], ip[46];
    enode_format(&nodes[k], enode, sizeof enode);
    hex_encode(nodes[k].id, 32, id);
    p2p_ip_text(nodes[k].ip, ip);
    cJSON *e = cJSON_CreateObject();
    if (!e) break;
    cJSON_AddStringToObject(e, "id", id + 2);
    cJSON_AddStringToObject(e, "enode", enode);
    cJSON_AddStringToObject(e, "ip", ip);
    cJSON_AddNumberToObject(e, "udp", nodes[k].udp);
    cJSON_AddNumberToObject(e, "tcp", nodes[k].tcp);
    static __thread enr_t rec;
    char text[ENR_TEXT_MAX];
    if (d && discv4_node_record(d, nodes[k].id, &rec) && enr_to_text(&rec, text, sizeof text))
      cJSON_AddStringToObject(e, "enr", text);
    cJSON_AddItemToArray(a, e);
  }
  free(nodes);
  char *s = cJSON_PrintUnformatted(a);
  cJSON_Delete(a);
  return s;
}
