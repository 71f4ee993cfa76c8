-- image: Torch7 scripts say `require 'image'`; moonlab's image module is
-- moonlab.image (see docs/image.md).
return require "moonlab.image"
