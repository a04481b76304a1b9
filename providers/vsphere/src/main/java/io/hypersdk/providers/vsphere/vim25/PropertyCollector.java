package io.hypersdk.providers.vsphere.vim25;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * Reads properties with RetrievePropertiesEx (following ContinueRetrievePropertiesEx tokens), either of
 * given objects or of every object of some types below a folder through a ContainerView.
 */
public final class PropertyCollector {
  private final VimConnection vim;

  public PropertyCollector(VimConnection vim) {
    this.vim = vim;
  }

  /** {@code paths} of each object in {@code objs} (all of one type). */
  public List<ObjectContent> retrieve(List<MoRef> objs, List<String> paths) throws VimFault, InterruptedException {
    if (objs.isEmpty()) {
      return List.of();
    }
    StringBuilder spec = new StringBuilder("<specSet>").append(propSet(objs.get(0).type(), paths));
    for (MoRef o : objs) {
      spec.append("<objectSet>").append(o.xml("obj")).append("<skip>false</skip></objectSet>");
    }
    spec.append("</specSet>");
    return run(spec.toString());
  }

  public ObjectContent retrieveOne(MoRef obj, List<String> paths) throws VimFault, InterruptedException {
    List<ObjectContent> r = retrieve(List.of(obj), paths);
    return r.isEmpty() ? new ObjectContent(obj, Map.of()) : r.get(0);
  }

  /**
   * For each type in {@code pathsByType}, those properties of every object of that type anywhere below
   * {@code container}; the view is destroyed afterwards.
   */
  public List<ObjectContent> retrieveBelow(MoRef container, Map<String, List<String>> pathsByType)
      throws VimFault, InterruptedException {
    StringBuilder types = new StringBuilder();
    pathsByType.keySet().forEach(t -> types.append("<type>").append(Xml.escape(t)).append("</type>"));
    Element created = vim.invoke("CreateContainerView", vim.content().viewManager(),
        container.xml("container") + types + "<recursive>true</recursive>");
    MoRef view = Xml.child(created, "returnval").map(Xml::moRef).orElseThrow(
        () -> new VimFault(VimFault.TRANSPORT, "CreateContainerView returned no view"));
    try {
      StringBuilder spec = new StringBuilder("<specSet>");
      pathsByType.forEach((type, paths) -> spec.append(propSet(type, paths)));
      spec.append("<objectSet>").append(view.xml("obj")).append("<skip>true</skip>")
          .append("<selectSet xsi:type=\"TraversalSpec\"><name>view</name><type>ContainerView</type>")
          .append("<path>view</path><skip>false</skip></selectSet></objectSet></specSet>");
      return run(spec.toString());
    } finally {
      try {
        vim.invoke("DestroyView", view, "");
      } catch (VimFault ignored) {
        // The view dies with the session anyway.
      }
    }
  }

  private static String propSet(String type, List<String> paths) {
    StringBuilder s = new StringBuilder("<propSet><type>").append(Xml.escape(type)).append("</type>");
    paths.forEach(p -> s.append("<pathSet>").append(Xml.escape(p)).append("</pathSet>"));
    return s.append("</propSet>").toString();
  }

  private List<ObjectContent> run(String specSet) throws VimFault, InterruptedException {
    List<ObjectContent> out = new ArrayList<>();
    Element r = vim.invoke("RetrievePropertiesEx", vim.content().propertyCollector(), specSet + "<options/>");
    String token = collect(r, out);
    while (token != null) {
      r = vim.invoke("ContinueRetrievePropertiesEx", vim.content().propertyCollector(),
          "<token>" + Xml.escape(token) + "</token>");
      token = collect(r, out);
    }
    return out;
  }

  /** Adds the objects of one result page; returns the continuation token, if any. */
  private static String collect(Element response, List<ObjectContent> out) {
    Element ret = Xml.child(response, "returnval").orElse(null);
    if (ret == null) {
      return null; // nothing matched
    }
    for (Element o : Xml.children(ret, "objects")) {
      MoRef obj = Xml.child(o, "obj").map(Xml::moRef).orElse(null);
      Map<String, Element> props = new LinkedHashMap<>();
      for (Element p : Xml.children(o, "propSet")) {
        String name = Xml.text(p, "name").orElse("");
        Xml.child(p, "val").ifPresent(v -> props.put(name, v));
      }
      out.add(new ObjectContent(obj, props));
    }
    return Xml.text(ret, "token").orElse(null);
  }
}
