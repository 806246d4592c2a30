"""Drives a lab NETCONF device with Debian's python3-ncclient; prints one JSON object of results.

Usage: ncclient_session.py PORT KEYFILE
"""
import json
import sys

from ncclient import manager
from ncclient.operations import RPCError
from ncclient.xml_ import to_ele

port, keyfile = int(sys.argv[1]), sys.argv[2]
NS = "urn:netsync:lab"
out = {}


def config(vlan_id, name):
    return (
        '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
        f'<vlans xmlns="{NS}"><vlan><id>{vlan_id}</id><name>{name}</name></vlan></vlans></config>'
    )


def connect():
    return manager.connect(
        host="127.0.0.1", port=port, username="netsync", key_filename=keyfile,
        hostkey_verify=False, look_for_keys=False, allow_agent=False, timeout=20,
    )


with connect() as m, connect() as other:
    out["capabilities"] = sorted(c for c in m.server_capabilities if c.startswith("urn:ietf"))
    out["session_id"] = m.session_id
    m.lock("candidate")
    try:
        other.lock("candidate")
        out["second_lock"] = "granted"
    except RPCError as e:
        out["second_lock"] = {"tag": e.tag, "info": e.info}
    try:
        m.edit_config(target="candidate", config=config(5000, "bad"))
    except RPCError as e:
        out["bad_vlan"] = {"tag": e.tag, "path": e.path, "message": e.message}
    m.edit_config(target="candidate", config=config(100, "ncclient"))
    out["validate_ok"] = m.validate(source="candidate").ok
    out["confirmed_ok"] = m.commit(confirmed=True, timeout="60").ok
    out["running_after_confirmed"] = "ncclient" in m.get_config(source="running").data_xml
    out["confirm_ok"] = m.commit().ok
    m.unlock("candidate")
    try:
        m.dispatch(to_ele("<frobnicate/>"))
    except RPCError as e:
        out["unknown_op"] = e.tag
    reply = m.get(filter=("subtree", f'<system xmlns="{NS}"/>'))
    out["hostname"] = reply.data_xml

print(json.dumps(out))
