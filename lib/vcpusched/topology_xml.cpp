// Topology from libvirt's capabilities XML: <host><topology><cells><cell><cpus><cpu …/> and
// the L3 banks of <host><cache>.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vcpusched/error.hpp"
#include "vcpusched/topology.hpp"

namespace vcpusched {

namespace {

struct DocFreer {
    void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct CtxtFreer {
    void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};
struct XmlCharFreer {
    void operator()(xmlChar* s) const { xmlFree(s); }
};

// libxml2 goes on after the first error and its last one ("Premature end of data") is the
// least helpful: keep the first.
struct FirstError {
    int line = 0;
    std::string message;
};

void keep_first_error(void* user_data, xmlErrorPtr error) {
    auto* ctxt = static_cast<xmlParserCtxt*>(user_data);
    auto* first = static_cast<FirstError*>(ctxt->_private);
    if (first && first->message.empty() && error && error->message) {
        first->line = error->line;
        first->message = error->message;
        while (!first->message.empty() &&
               (first->message.back() == '\n' || first->message.back() == ' '))
            first->message.pop_back();
    }
}

[[noreturn]] void fail(const xmlNode* node, const std::string& why) {
    std::string where = "capabilities XML";
    if (node)
        where += ": line " + std::to_string(xmlGetLineNo(node));
    throw Error(where + ": " + why);
}

bool is(const xmlNode* node, const char* name) {
    return node->type == XML_ELEMENT_NODE &&
           xmlStrcmp(node->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

std::vector<const xmlNode*> children(const xmlNode* parent, const char* name) {
    std::vector<const xmlNode*> out;
    for (const xmlNode* c = parent ? parent->children : nullptr; c; c = c->next) {
        if (is(c, name))
            out.push_back(c);
    }
    return out;
}

const xmlNode* child(const xmlNode* parent, const char* name) {
    auto all = children(parent, name);
    return all.empty() ? nullptr : all.front();
}

std::optional<std::string> attribute(const xmlNode* node, const char* name) {
    std::unique_ptr<xmlChar, XmlCharFreer> value(
        xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
    if (!value)
        return std::nullopt;
    return std::string(reinterpret_cast<const char*>(value.get()));
}

// A non-negative integer attribute; nullopt when absent, Error when present but not a number.
std::optional<int> int_attribute(const xmlNode* node, const char* name) {
    auto text = attribute(node, name);
    if (!text)
        return std::nullopt;
    int value = -1;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < 0)
        fail(node, "<" + std::string(reinterpret_cast<const char*>(node->name)) + "> " + name +
                       "='" + *text + "' is not a non-negative integer");
    return value;
}

CpuSet cpulist_attribute(const xmlNode* node, const char* name) {
    auto text = attribute(node, name);
    if (!text)
        return {};
    try {
        return CpuSet::parse(*text);
    } catch (const Error& e) {
        fail(node, std::string(name) + ": " + e.what());
    }
}

}  // namespace

Topology Topology::from_capabilities_xml(std::string_view xml) {
    std::unique_ptr<xmlParserCtxt, CtxtFreer> ctxt(xmlNewParserCtxt());
    if (!ctxt)
        throw Error("capabilities XML: out of memory");
    FirstError first;
    ctxt->_private = &first;
    ctxt->sax->serror = keep_first_error;
    std::unique_ptr<xmlDoc, DocFreer> doc(
        xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), "capabilities",
                          nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
    if (!doc) {
        if (first.message.empty())
            first.message = "not well-formed";
        throw Error("capabilities XML: line " + std::to_string(first.line) + ": " + first.message);
    }
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!root || !is(root, "capabilities"))
        fail(root, "root element is not <capabilities>");
    const xmlNode* host = child(root, "host");
    if (!host)
        fail(root, "no <host> element");

    Topology topology;
    // Capabilities without <topology> (or with zero cells, as libvirt's test driver gives for
    // a custom node file) leave pcpus empty: the caller falls back to a CPU count.
    const xmlNode* cells = child(child(host, "topology"), "cells");
    for (const xmlNode* cell : children(cells, "cell")) {
        auto node_id = int_attribute(cell, "id");
        if (!node_id)
            fail(cell, "<cell> without id");
        for (const xmlNode* cpu : children(child(cell, "cpus"), "cpu")) {
            auto id = int_attribute(cpu, "id");
            if (!id)
                fail(cpu, "<cpu> without id");
            if (*id > CpuSet::kMaxCpu)
                fail(cpu, "cpu id " + std::to_string(*id) + " out of range");
            if (std::any_of(topology.pcpus.begin(), topology.pcpus.end(),
                            [&](const Pcpu& p) { return p.id == *id; }))
                fail(cpu, "cpu id " + std::to_string(*id) + " listed twice");
            Pcpu p;
            p.id = *id;
            p.node = *node_id;
            // Old libvirt (and some arches) give only the id: treat it as its own core.
            p.socket = int_attribute(cpu, "socket_id").value_or(0);
            p.core = int_attribute(cpu, "core_id").value_or(*id);
            p.siblings = cpulist_attribute(cpu, "siblings");
            p.siblings.add(*id);
            topology.pcpus.push_back(std::move(p));
        }
    }
    std::sort(topology.pcpus.begin(), topology.pcpus.end(),
              [](const Pcpu& a, const Pcpu& b) { return a.id < b.id; });

    for (const xmlNode* bank : children(child(host, "cache"), "bank")) {
        if (int_attribute(bank, "level").value_or(0) != 3)
            continue;
        auto id = int_attribute(bank, "id");
        if (!id)
            fail(bank, "L3 <bank> without id");
        for (int cpu : cpulist_attribute(bank, "cpus").cpus()) {
            auto it = std::lower_bound(topology.pcpus.begin(), topology.pcpus.end(), cpu,
                                       [](const Pcpu& p, int value) { return p.id < value; });
            if (it != topology.pcpus.end() && it->id == cpu)
                it->cache = *id;
        }
    }
    return topology;
}

}  // namespace vcpusched
