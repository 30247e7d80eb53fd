import wagtail_factories

ImageFactory = wagtail_factories.ImageFactory
