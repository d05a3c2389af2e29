export { Addresses, type AddressListOptions, type AddressOptions } from './addresses.js';
export { HostLocalIpam, type IpamRange } from './cni/ipam.js';
export {
  type CniEnv,
  CniError,
  cniAdd,
  cniCheck,
  cniDel,
  cniHostIfName,
  cniVersionInfo,
  parseNetConf,
  readCniEnv,
} from './cni/plugin.js';
export {
  CNI_ERR,
  CNI_VERSION,
  type CniErrorJson,
  type CniInterface,
  type CniIp,
  type CniNetConf,
  type CniResult,
  type CniRoute,
  SUPPORTED_VERSIONS,
} from './cni/types.js';
export {
  type AddressInfo,
  type AddressRequest,
  decodeAddress,
  encodeAddressAdd,
  encodeAddressDel,
  encodeAddressDump,
  encodeAddressReplace,
} from './codec/addr-codec.js';
export { type Attribute, attributeMap, parseAttributes } from './codec/attributes.js';
export {
  AF,
  IFF,
  IFLA,
  type InetConfName,
  IPV4_DEVCONF,
  type NeighbourState,
  NLM_F,
  NLMSG,
  NUD,
  type RouteScope,
  type RouteType,
  RT_SCOPE,
  RT_TABLE,
  RTM,
  RTN,
} from './codec/constants.js';
export { errnoName } from './codec/errno.js';
export { formatAddress, formatMac, type Prefix, parseAddress, parseMac, parsePrefix } from './codec/ip.js';
export {
  type BridgeData,
  decodeLink,
  encodeInetConf,
  encodeLinkAdd,
  encodeLinkDel,
  encodeLinkDump,
  encodeLinkGet,
  encodeLinkSet,
  type InetConf,
  type IpipData,
  type LinkAddRequest,
  type LinkInfo,
  type LinkKind,
  type LinkQueues,
  type LinkSetRequest,
  type NetnsTarget,
  type VxlanData,
} from './codec/link-codec.js';
export {
  buildMessage,
  decodeError,
  decodeHeader,
  type ErrorReply,
  type Message,
  type MessageHeader,
  splitMessages,
} from './codec/message.js';
export {
  decodeNeighbour,
  encodeNeighbourAdd,
  encodeNeighbourDel,
  encodeNeighbourDump,
  type NeighbourInfo,
  type NeighbourRequest,
} from './codec/neigh-codec.js';
export { encodeNeighTableChange, type NeighTableParms, type NeighTableRequest } from './codec/ntable-codec.js';
export {
  decodeRoute,
  encodeRouteAdd,
  encodeRouteDel,
  encodeRouteDump,
  encodeRouteReplace,
  type RouteInfo,
  type RouteRequest,
} from './codec/route-codec.js';
export { MessageWriter } from './codec/writer.js';
export {
  type ConnectionOptions,
  type DumpResult,
  NetlinkConnection,
  type RequestOptions,
} from './connection.js';
export {
  isNetlinkErrno,
  isNetnsError,
  NETNS_ERROR_CODES,
  NetlinkError,
  NetnsError,
  type NetnsErrorCode,
} from './errors.js';
export {
  type EventGroup,
  type EventOptions,
  RTMGRP,
  type RtnetlinkEvent,
  RtnetlinkEvents,
  waitForLinksGone,
} from './events.js';
export {
  type LinkAddOptions,
  type LinkRef,
  type LinkSetOptions,
  Links,
  type NeighConf,
  type NetnsArg,
} from './links.js';
export type { Address, Link, Neighbour, Route } from './models.js';
export { type NeighbourOptions, Neighbours } from './neighbours.js';
export { NETNS_RUN_DIR, Netns } from './netns.js';
export { type RouteListOptions, type RouteOptions, Routes } from './routes.js';
export { Rtnetlink, type RtnetlinkOptions } from './rtnetlink.js';
export {
  BRIDGE_POD_STEPS,
  type BridgePod,
  type BridgePodOptions,
  unwireBridgePod,
  wireBridgePod,
} from './topology/bridge-pod.js';
export {
  type HostGwOptions,
  hostGwRoutes,
  type IpipMeshOptions,
  ipipMesh,
  type Mesh,
  type MeshPeer,
} from './topology/ipip-mesh.js';
export {
  CALICO_GATEWAY,
  ROUTED_POD_STEPS,
  type RoutedPod,
  type RoutedPodOptions,
  type UnwireRoutedPodOptions,
  unwireRoutedPod,
  wireRoutedPod,
} from './topology/routed-pod.js';
export type { StepHook } from './topology/steps.js';
export type { NetlinkTransport } from './transport.js';
