package io.hypersdk.providers.vsphere.vim25;

import io.hypersdk.io.XmlText;

/** A managed object reference: the type and server-side id of a vSphere object. */
public record MoRef(String type, String value) {
  /** The reference as a SOAP element named {@code element}. */
  public String xml(String element) {
    return "<" + element + " type=\"" + XmlText.escape(type) + "\">" + XmlText.escape(value) + "</" + element + ">";
  }

  @Override
  public String toString() {
    return type + ":" + value;
  }
}
