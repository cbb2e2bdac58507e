"""The call-reason catalogue from a spreadsheet (`kefu import call-reasons`), and out to
one in the same shape.

One row per reason: its dimension (客户属性, 业务种类 or 服务内容; regions, the fourth
dimension, come with the organisation import), its parent (a code, or a path of names
from the top such as 营销类/电费电价), its code (made from the name's pinyin when left
blank), its name, position and whether it is in use. A service content's parent is a
business type, as the workbench shows them; the other dimensions nest within themselves.

A re-import updates each reason found by (dimension, code), or, for a row without a
code, by (dimension, parent, name), so a catalogue kept without codes imports again onto
the same reasons and codes. A reason missing from the file is never deleted: contacts
and work orders are classified by it; 启用=否 retires it from the workbench.
"""

from kefu.contacts.imports.call_reasons import CallReasons
from kefu.contacts.imports.catalogue import pinyin_code

__all__ = ["CallReasons", "pinyin_code"]
