package io.hypersdk.providers.vsphere.vim25;

import org.w3c.dom.Element;

/** The service's entry points, from RetrieveServiceContent; {@code ovfManager} may be null (ESXi without it). */
public record ServiceContent(MoRef rootFolder, MoRef propertyCollector, MoRef viewManager, MoRef sessionManager,
    MoRef searchIndex, MoRef ovfManager, String apiType, String apiVersion, String fullName) {

  static ServiceContent from(Element returnval) {
    return new ServiceContent(ref(returnval, "rootFolder"), ref(returnval, "propertyCollector"),
        ref(returnval, "viewManager"), ref(returnval, "sessionManager"), ref(returnval, "searchIndex"),
        ref(returnval, "ovfManager"),
        Xml.child(returnval, "about").flatMap(a -> Xml.text(a, "apiType")).orElse(""),
        Xml.child(returnval, "about").flatMap(a -> Xml.text(a, "apiVersion")).orElse(""),
        Xml.child(returnval, "about").flatMap(a -> Xml.text(a, "fullName")).orElse(""));
  }

  private static MoRef ref(Element e, String name) {
    return Xml.child(e, name).map(Xml::moRef).orElse(null);
  }
}
